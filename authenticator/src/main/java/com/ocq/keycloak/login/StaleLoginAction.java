package com.ocq.keycloak.login;

import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;

import com.ocq.keycloak.PasswordResets;

/**
 * Ends a login whose password check predates a reset of that user's password (SECURITY.md rule
 * 13): it adds itself to such a login and then only ever answers with an error page, so the login
 * never gets a session or a token. Not something a user or an admin asks for: assigned to a user
 * by hand it finds nothing stale and removes itself.
 */
final class StaleLoginAction implements RequiredActionProvider {

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.NOT_SUPPORTED;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        if (PasswordResets.isStale(context.getSession(), context.getAuthenticationSession(), context.getUser())) {
            context.getAuthenticationSession().addRequiredAction(StaleLoginActionFactory.PROVIDER_ID);
        }
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        if (!PasswordResets.isStale(context.getSession(), context.getAuthenticationSession(), context.getUser())) {
            context.success();
            return;
        }
        PasswordResets.refuse(context);
    }

    @Override
    public void processAction(RequiredActionContext context) {
        PasswordResets.refuse(context);
    }

    @Override
    public void close() {
    }
}
