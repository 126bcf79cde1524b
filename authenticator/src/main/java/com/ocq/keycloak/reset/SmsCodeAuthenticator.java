package com.ocq.keycloak.reset;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.SessionExpiration;
import org.keycloak.sessions.AuthenticationSessionModel;

import com.ocq.keycloak.reset.SendLimits.Refusal;
import com.ocq.keycloak.reset.SmsCodes.Verdict;
import com.ocq.keycloak.sms.SmsDispatcher;
import com.ocq.keycloak.sms.SmsException;
import com.ocq.keycloak.sms.SmsMessage;
import com.ocq.keycloak.sms.SmsPurpose;
import com.ocq.keycloak.sms.phone.PhoneNumbers;

/**
 * Step 2 of 忘记密码: sends a verification code by SMS (off the request thread, within every limit
 * of rule 6) and checks what the employee types. Unknown, disabled, phoneless, throttled and
 * locked accounts get the same page as a real one; their codes simply never work.
 */
final class SmsCodeAuthenticator extends ResetStep {

    private static final Logger LOG = Logger.getLogger(SmsCodeAuthenticator.class);
    static final String TEMPLATE = "ocq-sms-code.ftl";
    static final String FIELD_CODE = "code";
    static final String FIELD_RESEND = "resend";
    static final String DETAIL_PHONE = "ocq_phone";
    static final String DETAIL_REASON = "reason";
    /** Prefix of the id of a code that was not sent. */
    private static final String PRETEND = "p-";

    private final SecureRandom random;

    SmsCodeAuthenticator(SecureRandom random) {
        this.random = random;
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        SmsCodeConfig config = SmsCodeConfig.of(context.getAuthenticatorConfig());
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        // A refresh (or a replayed GET) re-renders the page; only the first arrival sends.
        if (authSession.getAuthNote(ResetNotes.CODE_REQUESTED_AT) == null) {
            requestCode(context, config);
        } else {
            UserModel user = chosen(context);
            if (justAccepted(context, user) && user != null) {
                // A copy of the tab's accepted submission that read the tab's state before the acceptance
                // (a double click, or copies spread over the nodes of a cluster, which Keycloak turns
                // into a re-display of this step): it must not write the code step back as the
                // current one, which would strand the tab with its code used up.
                passed(context, user);
                return;
            }
        }
        context.challenge(page(context, config).createForm(TEMPLATE));
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        SmsCodeConfig config = SmsCodeConfig.of(context.getAuthenticatorConfig());
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();

        if (form.containsKey(FIELD_RESEND)) {
            long wait = secondsUntilResend(authSession, config);
            if (wait > 0) {
                context.challenge(page(context, config).setError("ocqSmsResendWait", wait).createForm(TEMPLATE));
                return;
            }
            requestCode(context, config);
            context.challenge(page(context, config).setInfo("ocqSmsResent").createForm(TEMPLATE));
            return;
        }

        String typed = digits(form.getFirst(FIELD_CODE));
        if (typed.isEmpty()) {
            context.challenge(page(context, config).addError(new FormMessage(FIELD_CODE, "ocqSmsCodeMissing")).createForm(TEMPLATE));
            return;
        }
        UserModel user = chosen(context);
        Verdict verdict = verify(context, config, user, typed);
        EventBuilder event = context.getEvent().clone().event(EventType.RESET_PASSWORD_ERROR);
        if (user != null) {
            event.user(user);
        }
        switch (verdict) {
            case ACCEPTED -> {
                store(context.getSession()).put(ResetNotes.passKey(authSession), SessionExpiration.getAuthSessionLifespan(context.getRealm()),
                        Map.of(SmsCodes.USER, user.getId()));
                passed(context, user);
            }
            case TAB_PASSED -> passed(context, user);
            case WRONG -> fail(context, config, event.detail(DETAIL_REASON, "wrong_code"), Errors.INVALID_CODE, "ocqSmsCodeInvalid");
            case USED_UP -> fail(context, config, event.detail(DETAIL_REASON, "too_many_wrong_codes"), Errors.INVALID_CODE,
                    "ocqSmsCodeUsedUp");
            case EXPIRED -> fail(context, config, event.detail(DETAIL_REASON, "no_live_code"), Errors.EXPIRED_CODE,
                    "ocqSmsCodeExpired");
            case STALE -> fail(context, config, event.detail(DETAIL_REASON, "account_changed_since_sent"), Errors.EXPIRED_CODE,
                    "ocqSmsCodeExpired");
        }
    }

    /**
     * The account step 1 chose ({@link ResetNotes#CHOSEN_USER}), while it exists and is enabled;
     * otherwise null, and the tab goes on like an unknown account's.
     */
    private static UserModel chosen(AuthenticationFlowContext context) {
        String id = context.getAuthenticationSession().getAuthNote(ResetNotes.CHOSEN_USER);
        UserModel user = id == null ? null : context.getSession().users().getUserById(context.getRealm(), id);
        return user != null && user.isEnabled() ? user : null;
    }

    /**
     * Whether the tab's code, for {@code user}, was accepted a moment ago; the same store read for
     * every account, known or not (rule 9).
     */
    private boolean justAccepted(AuthenticationFlowContext context, UserModel user) {
        return new SmsCodes(store(context.getSession()), random).justAccepted(ResetNotes.tabKey(context.getAuthenticationSession()),
                user == null ? "-" : user.getId());
    }

    /** The tab verified its code (this request, or a concurrent one of the same tab): {@code user} becomes the flow's user. */
    private static void passed(AuthenticationFlowContext context, UserModel user) {
        context.setUser(user);
        context.getAuthenticationSession().setAuthNote(ResetNotes.VERIFIED_USER, user.getId());
        context.success();
    }

    private void fail(AuthenticationFlowContext context, SmsCodeConfig config, EventBuilder event, String error, String message) {
        event.error(error);
        Response page = page(context, config).addError(new FormMessage(FIELD_CODE, message)).createForm(TEMPLATE);
        // challenge, not failureChallenge: Keycloak's brute-force detection would count a wrong code as
        // a failed sign-in and lock the password login (rule 12); the code's and the account's own
        // counters do the counting.
        context.challenge(page);
    }

    /**
     * Checks a code. A tab whose code was never really sent (unknown or locked account, a limit
     * refused it...) holds a pretended one: every entry is wrong, counted, used up and expired
     * exactly like a real code's, so the answers cannot tell the accounts apart.
     */
    private Verdict verify(AuthenticationFlowContext context, SmsCodeConfig config, UserModel user, String typed) {
        AtomicStore store = store(context.getSession());
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String codeId = authSession.getAuthNote(ResetNotes.CODE_ID);
        String requestedAt = authSession.getAuthNote(ResetNotes.CODE_REQUESTED_AT);
        if (codeId == null || requestedAt == null) {
            return Verdict.EXPIRED;
        }
        RealmModel realm = context.getRealm();
        AccountFailures failures = new AccountFailures(store);
        Verdict verdict;
        if (codeId.startsWith(PRETEND) || user == null
                || failures.locked(realm.getId(), user.getId(), config.accountFailures())) {
            boolean expired = Time.currentTime() >= Long.parseLong(requestedAt) + config.ttlSeconds();
            verdict = expired ? Verdict.EXPIRED : pretend(store, codeId, config);
        } else {
            verdict = new SmsCodes(store, random).verify(ResetNotes.tabKey(authSession), typed, user.getId(),
                    phoneOf(user, config).orElse(""), config.maxAttempts(), config.ttlSeconds());
        }
        if (user != null && (verdict == Verdict.WRONG || verdict == Verdict.USED_UP)) {
            failures.record(realm.getId(), user.getId(), config.accountFailures());
        }
        return verdict;
    }

    /** The same attempt counting as a real code, for a code that can never be right. */
    private static Verdict pretend(AtomicStore store, String codeId, SmsCodeConfig config) {
        Slots slots = new Slots(store);
        String tries = "try:" + codeId;
        if (slots.full(tries, config.maxAttempts()) || !slots.claim(tries, config.maxAttempts(), config.ttlSeconds())) {
            return Verdict.EXPIRED;
        }
        return slots.full(tries, config.maxAttempts()) ? Verdict.USED_UP : Verdict.WRONG;
    }

    /**
     * Sends a new code if the account is real, has an allowed number, is not locked and no limit
     * refuses; in every other case does the same bookkeeping without sending, so every account
     * sees the same page in the same time.
     */
    private void requestCode(AuthenticationFlowContext context, SmsCodeConfig config) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        AtomicStore store = store(session);
        long now = Time.currentTime();
        authSession.setAuthNote(ResetNotes.CODE_REQUESTED_AT, String.valueOf(now));
        String tabKey = ResetNotes.tabKey(authSession);
        SmsCodes codes = new SmsCodes(store, random);
        codes.discard(tabKey);
        authSession.setAuthNote(ResetNotes.CODE_ID, PRETEND + randomId());

        UserModel user = chosen(context);
        EventBuilder event = context.getEvent().clone().event(EventType.SEND_RESET_PASSWORD);
        if (user == null) {
            String since = authSession.getAuthNote(ResetNotes.CHOSEN_USER);
            if (since != null) {
                // A resend for an account disabled or deleted after step 1 chose it.
                event.user(since).detail(DETAIL_REASON, "account_disabled_since_chosen").error(Errors.USER_DISABLED);
            }
            // Otherwise choose-user already recorded why (user_not_found, user_disabled).
            rehearse(store, codes, config);
            return;
        }
        event.user(user).detail(Details.USERNAME, user.getUsername());
        Optional<String> phone = phoneOf(user, config);
        if (phone.isEmpty()) {
            event.detail(DETAIL_REASON, "no_allowed_mobile_number").error(Errors.INVALID_USER);
            rehearse(store, codes, config);
            return;
        }
        String masked = PhoneNumbers.mask(phone.get());
        event.detail(DETAIL_PHONE, masked);
        if (new AccountFailures(store).locked(realm.getId(), user.getId(), config.accountFailures())) {
            event.detail(DETAIL_REASON, "too_many_wrong_codes_today").error(Errors.USER_TEMPORARILY_DISABLED);
            rehearse(store, codes, config);
            return;
        }
        SendLimits limits = new SendLimits(store);
        Optional<Refusal> refusal = limits.acquire(realm.getId(), phone.get(), context.getConnection().getRemoteAddr(), config, now);
        if (refusal.isPresent()) {
            event.detail(DETAIL_REASON, refusal.get().error).error(refusal.get().error);
            codes.issue(decoy(), codes.newCode(), "-", "-", 1);
            return;
        }
        String code = codes.newCode();
        authSession.setAuthNote(ResetNotes.CODE_ID, codes.issue(tabKey, code, user.getId(), phone.get(), config.ttlSeconds()));
        Locale locale = session.getContext().resolveLocale(user);
        SmsMessage message = new SmsMessage(phone.get(), SmsPurpose.VERIFICATION_CODE, locale, Map.of("code", code));
        String ip = context.getConnection().getRemoteAddr();
        String clientId = authSession.getClient().getClientId();
        String userId = user.getId();
        String realmId = realm.getId();
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        SmsDispatcher.of(session).sendAsync(message, config.senders()).whenComplete((result, failure) -> {
            if (failure != null) {
                onSendFailure(factory, realmId, userId, clientId, ip, phone.get(), failure);
            }
        });
        event.success();
    }

    /**
     * For an account that gets no SMS: the store work a real send does (limits and a code), on
     * throw-away keys, so the answer takes as long as a real account's (rule 9).
     */
    private void rehearse(AtomicStore store, SmsCodes codes, SmsCodeConfig config) {
        String decoy = decoy();
        new SendLimits(store).rehearse(decoy, config);
        codes.issue(decoy, codes.newCode(), "-", "-", 1);
    }

    private String decoy() {
        return "decoy:" + randomId();
    }

    /** A code nobody received: give the cooldown back, forget the code, and tell the admins why. */
    private static void onSendFailure(KeycloakSessionFactory factory, String realmId, String userId, String clientId, String ip,
            String phone, Throwable failure) {
        SmsException sms = failure instanceof SmsException e ? e
                : failure.getCause() instanceof SmsException e ? e : null;
        try {
            KeycloakModelUtils.runJobInTransaction(factory, s -> {
                RealmModel realm = s.realms().getRealm(realmId);
                s.getContext().setRealm(realm);
                new SendLimits(store(s)).releaseCooldown(phone);
                new EventBuilder(realm, s).event(EventType.SEND_RESET_PASSWORD_ERROR).user(userId).client(clientId).ipAddress(ip)
                        .detail(DETAIL_PHONE, PhoneNumbers.mask(phone))
                        .detail(DETAIL_REASON, sms == null ? "sms_send_failed" : (sms.isPermanent() ? "sms_refused" : "sms_unavailable"))
                        .detail("ocq_sender", sms == null ? null : sms.getSender())
                        .detail("ocq_vendor_code", sms == null ? null : sms.getVendorCode())
                        .error("ocq_sms_send_failed");
            });
        } catch (RuntimeException e) {
            LOG.warnf("Could not record the failed SMS to %s: %s", PhoneNumbers.mask(phone), e.getMessage());
        }
    }

    /** The page's data: where the code went (only when the employee typed the number), and the countdown. */
    private org.keycloak.forms.login.LoginFormsProvider page(AuthenticationFlowContext context, SmsCodeConfig config) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String typedPhone = authSession.getAuthNote(ResetNotes.TYPED_PHONE);
        return context.form()
                .setAttribute("ocqSmsMaskedPhone", typedPhone == null ? null : PhoneNumbers.mask(typedPhone))
                .setAttribute("ocqSmsResendIn", secondsUntilResend(authSession, config))
                .setAttribute("ocqSmsTtlMinutes", Math.max(1, config.ttlSeconds() / 60));
    }

    private static long secondsUntilResend(AuthenticationSessionModel authSession, SmsCodeConfig config) {
        String at = authSession.getAuthNote(ResetNotes.CODE_REQUESTED_AT);
        if (at == null) {
            return 0;
        }
        return Math.max(0, Long.parseLong(at) + config.cooldownSeconds() - Time.currentTime());
    }

    /** The user's mobile number in E.164, if it is one of the allowed regions. */
    static Optional<String> phoneOf(UserModel user, SmsCodeConfig config) {
        return PhoneNumbers.normalize(user.getFirstAttribute(ChooseUserAuthenticator.PHONE_ATTRIBUTE), PhoneNumbers.DEFAULT_REGION,
                config.regions());
    }

    /** What was typed, full-width digits folded, spaces dropped; at most 16 characters are looked at. */
    static String digits(String typed) {
        if (typed == null) {
            return "";
        }
        String folded = PhoneNumbers.foldWidth(typed.length() > 16 ? typed.substring(0, 16) : typed);
        return folded.replace(" ", "").strip();
    }

    private String randomId() {
        byte[] b = new byte[12];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static AtomicStore store(KeycloakSession session) {
        return AtomicStore.of(session.getProvider(SingleUseObjectProvider.class));
    }

    @Override
    public boolean requiresUser() {
        return false;
    }
}
