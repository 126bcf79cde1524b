package com.ocq.keycloak.admin;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.authorization.fgap.AdminPermissionsSchema;
import org.keycloak.models.GroupModel;
import org.keycloak.models.UserModel;

import com.ocq.keycloak.sms.phone.PhoneNumbers;

/**
 * {@code /admin/realms/{realm}/ocq/users}: the employee list of the OCQ admin page and 重置帐号.
 * Every check is Keycloak's own admin permission on the user concerned, so fine-grained admin
 * permissions (v2) limit an administrator to the departments (groups) granted to them.
 */
public final class EmployeesResource extends RealmAdminResource {

    static final int PAGE_SIZE = 20;
    static final int MAX_PAGE_SIZE = 100;

    EmployeesResource(RealmAdminResource parent) {
        super(parent);
    }

    /**
     * Employees the caller may view, 20 a page: {@code search} is matched against name, username
     * and email as in the admin console, or, when it is a mobile number in any written form,
     * against the number exactly. Mobile numbers are masked.
     */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list(@QueryParam("search") String search, @QueryParam("first") Integer first, @QueryParam("max") Integer max) {
        auth.users().requireQuery();
        int from = first == null || first < 0 ? 0 : first;
        int size = max == null || max < 1 ? PAGE_SIZE : Math.min(max, MAX_PAGE_SIZE);
        String term = search == null ? "" : search.strip();

        Optional<String> phone = term.matches("[+\\d\\s\\-()\\uFF10-\\uFF19\\u3000]{7,}")
                ? PhoneNumbers.normalize(term, PhoneNumbers.DEFAULT_REGION, PhoneNumbers.ALL_REGIONS) : Optional.empty();
        Stream<UserModel> found;
        if (phone.isPresent()) {
            found = session.users().searchForUserByUserAttributeStream(realm, EmployeeAttributes.PHONE_NUMBER, phone.get())
                    .skip(from).limit(size + 1L);
        } else {
            Map<String, String> criteria = new HashMap<>();
            if (!term.isEmpty()) {
                criteria.put(UserModel.SEARCH, term);
            }
            criteria.put(UserModel.INCLUDE_SERVICE_ACCOUNT, "false");
            found = session.users().searchForUserStream(realm, criteria, from, size + 1);
        }
        List<UserModel> users = found.filter(auth.users()::canView).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("first", from);
        body.put("max", size);
        body.put("more", users.size() > size);
        body.put("users", users.stream().limit(size).map(this::employee).toList());
        return Response.ok(body).cacheControl(noStore()).build();
    }

    private Map<String, Object> employee(UserModel user) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", user.getId());
        row.put("username", user.getUsername());
        row.put("name", name(user));
        row.put("email", user.getEmail());
        Optional<String> phone = PhoneNumbers.normalize(user.getFirstAttribute(EmployeeAttributes.PHONE_NUMBER),
                PhoneNumbers.DEFAULT_REGION, PhoneNumbers.ALL_REGIONS);
        row.put("phoneNumber", phone.map(PhoneNumbers::mask).orElse(null));
        row.put("jobTitle", user.getFirstAttribute(EmployeeAttributes.JOB_TITLE));
        // The departments of a user the caller may view, even where the caller may not view the group itself.
        row.put("departments", AdminPermissionsSchema.runWithoutAuthorization(session,
                () -> user.getGroupsStream().map(GroupModel::getName).sorted().toList()));
        row.put("enabled", user.isEnabled());
        row.put("loginMethods", user.getFirstAttribute(EmployeeAttributes.LOGIN_METHODS));
        row.put("lastLoginTime", user.getFirstAttribute(EmployeeAttributes.LAST_LOGIN_TIME));
        row.put("manage", auth.users().canManage(user));
        return row;
    }

    /** Chinese order, family name first (张 + 龙辉), as OCQ shows names. */
    private static String name(UserModel user) {
        String last = user.getLastName() == null ? "" : user.getLastName().strip();
        String given = user.getFirstName() == null ? "" : user.getFirstName().strip();
        boolean latin = (last + given).chars().allMatch(c -> c < 0x2E80);
        String name = latin && !last.isEmpty() && !given.isEmpty() ? given + " " + last : last + given;
        return name.isEmpty() ? null : name;
    }

    /**
     * 激活/重置登录帐号. Body {@code {"loginMethods": "phone|email|all", "sendSms": true|false}};
     * answers with the initial password, once, never cached.
     */
    @POST
    @Path("{id}/reset-account")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response resetAccount(@PathParam("id") String id, Map<String, Object> body) {
        UserModel user = id == null ? null : session.users().getUserById(realm, id);
        if (user == null) {
            // as Keycloak's UsersResource: whoever may not search users cannot probe ids either
            if (!auth.users().canQuery()) {
                throw new ForbiddenException();
            }
            return error(404, "user_not_found", "No user with this id in realm " + realm.getName());
        }
        auth.users().requireManage(user);
        try {
            ResetAccountRequest request = ResetAccountRequest.parse(body);
            return Response.ok(new AccountReset(session, realm, adminEvent).reset(user, request)).cacheControl(noStore())
                    .header("Pragma", "no-cache").build();
        } catch (ResetAccountRequest.Invalid e) {
            return error(400, "invalid_request", e.getMessage());
        } catch (AccountReset.Refused e) {
            return error(e.status, e.error, e.getMessage());
        }
    }

    static Response error(int status, String error, String description) {
        return Response.status(status).entity(Map.of("error", error, "error_description", description))
                .type(MediaType.APPLICATION_JSON).cacheControl(noStore()).build();
    }

    static CacheControl noStore() {
        CacheControl cache = new CacheControl();
        cache.setNoStore(true);
        cache.setNoCache(true);
        return cache;
    }
}
