package com.ocq.keycloak.reset;

import org.keycloak.sessions.AuthenticationSessionModel;

/** Auth-session notes of the OCQ reset flow (one login tab), and the tab's key in the cluster store. */
final class ResetNotes {

    /** E.164 number the employee typed as the account, if the account was typed as a number. */
    static final String TYPED_PHONE = "ocq.reset.typedPhone";
    /** When this tab last asked for a code (epoch seconds); present once the code page was shown. */
    static final String CODE_REQUESTED_AT = "ocq.reset.codeRequestedAt";
    /** The id whose attempt counters the tab's current (real or pretended) code uses. */
    static final String CODE_ID = "ocq.reset.codeId";
    /**
     * The id of the enabled account step 1 found. It is not the flow's user until its code is
     * accepted: Keycloak answers every request of a tab whose user is disabled with its own
     * "account disabled" page, which would tell whoever holds the tab that the account was
     * disabled since (rule 9).
     */
    static final String CHOSEN_USER = "ocq.reset.chosenUser";
    /** The user whose code this tab verified. */
    static final String VERIFIED_USER = "ocq.reset.verifiedUser";

    private ResetNotes() {
    }

    static String tabKey(AuthenticationSessionModel authSession) {
        return authSession.getRealm().getId() + ":" + authSession.getParentSession().getId() + ":" + authSession.getTabId();
    }

    /**
     * The tab's right to set one new password, in the cluster store from the acceptance of its code
     * until a password is set: the auth-session note alone is not single-use, as concurrent
     * requests of one tab, on one node or several, each read it before any of them removes it.
     */
    static String passKey(AuthenticationSessionModel authSession) {
        return "pass:" + tabKey(authSession);
    }

    static void clear(AuthenticationSessionModel authSession) {
        authSession.removeAuthNote(TYPED_PHONE);
        authSession.removeAuthNote(CODE_REQUESTED_AT);
        authSession.removeAuthNote(CODE_ID);
        authSession.removeAuthNote(VERIFIED_USER);
        authSession.removeAuthNote(CHOSEN_USER);
    }
}
