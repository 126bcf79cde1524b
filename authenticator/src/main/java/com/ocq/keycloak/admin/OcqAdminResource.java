package com.ocq.keycloak.admin;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import com.ocq.keycloak.sms.SmsDispatcher;
import com.ocq.keycloak.sms.SmsException;
import com.ocq.keycloak.sms.SmsMessage;
import com.ocq.keycloak.sms.SmsPurpose;
import com.ocq.keycloak.sms.SmsResult;
import com.ocq.keycloak.sms.phone.PhoneNumbers;

/** The resource behind {@code /admin/realms/{realm}/ocq}. */
public final class OcqAdminResource extends RealmAdminResource {

    private static final SecureRandom RANDOM = new SecureRandom();

    OcqAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        super(session, realm, auth, adminEvent);
    }

    /** The employees: list and search, 重置帐号 ({@link EmployeesResource}). */
    @Path("users")
    public EmployeesResource users() {
        return new EmployeesResource(this);
    }

    /** Body of {@link #testSms}: a number in any written form, optional senders and regions. */
    public record TestSmsRequest(String phoneNumber, List<String> senders, List<String> regions) {
    }

    /**
     * Sends a verification-code message with a random code (never shown) to check the gateway
     * configuration, through the given senders or the configured ones. Needs manage-realm.
     */
    @POST
    @Path("sms/test")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response testSms(TestSmsRequest request) {
        auth.realm().requireManageRealm();
        List<String> regions = request == null || request.regions() == null || request.regions().isEmpty()
                ? List.of(PhoneNumbers.DEFAULT_REGION) : request.regions();
        Optional<String> phone = request == null ? Optional.empty()
                : PhoneNumbers.normalize(request.phoneNumber(), PhoneNumbers.DEFAULT_REGION, PhoneNumbers.regions(regions));
        if (phone.isEmpty()) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity(Map.of("error", "ocqInvalidPhoneNumber", "error_description", "Not a mobile number of an allowed region"))
                    .type(MediaType.APPLICATION_JSON).build();
        }
        String code = String.format(Locale.ROOT, "%06d", RANDOM.nextInt(1_000_000));
        SmsMessage message = new SmsMessage(phone.get(), SmsPurpose.VERIFICATION_CODE, Locale.SIMPLIFIED_CHINESE, Map.of("code", code));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("phoneNumber", PhoneNumbers.mask(phone.get()));
        try {
            SmsResult result = SmsDispatcher.of(session).sendAndWait(message, request.senders() == null ? List.of() : request.senders());
            body.put("sender", result.sender());
            body.put("messageId", result.messageId());
            body.put("attempts", result.attempts());
            adminEvent.operation(OperationType.ACTION).resource(ResourceType.REALM).resourcePath("ocq", "sms", "test")
                    .representation(body).success();
            return Response.ok(body).build();
        } catch (SmsException e) {
            body.put("error", "sms_send_failed");
            body.put("sender", e.getSender());
            body.put("permanent", e.isPermanent());
            body.put("vendorCode", e.getVendorCode());
            return Response.status(Response.Status.BAD_GATEWAY).entity(body).type(MediaType.APPLICATION_JSON).build();
        }
    }
}
