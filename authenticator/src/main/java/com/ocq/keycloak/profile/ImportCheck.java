package com.ocq.keycloak.profile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

import com.ocq.keycloak.sms.phone.PhoneNumbers;

/**
 * The mobile-number rule applied to users written by an import, which bypasses the user profile:
 * every number must be valid, none may be shared inside the import or with another user of the
 * realm, and each one is to be stored in E.164.
 */
final class ImportCheck {

    private ImportCheck() {
    }

    /** One imported user and the values the import wrote for the attribute. */
    record Imported(String username, List<String> values) {
    }

    /** A refused number: whose, masked, why (a message key), and who else has it, if anyone. */
    record Problem(String username, String maskedNumber, String messageKey, String otherUsername) {

        /** For logs and error messages: names the users, masks the number. */
        String describe() {
            return otherUsername == null
                    ? "user '" + username + "': " + maskedNumber + " is not a mobile number of an allowed region"
                    : "user '" + username + "': mobile number " + maskedNumber + " is already the number of user '" + otherUsername + "'";
        }
    }

    /** The E.164 values to store for users whose imported values were written in another form, and the refusals. */
    record Outcome(Map<String, List<String>> toStore, List<Problem> problems) {
    }

    /**
     * @param otherOwner for an E.164 number and an imported username, the username of another
     *                   user of the realm that already has the number (an exact, indexed lookup)
     */
    static Outcome check(List<Imported> users, MobileNumberRule rule, BiFunction<String, String, Optional<String>> otherOwner) {
        Map<String, List<String>> toStore = new LinkedHashMap<>();
        List<Problem> problems = new ArrayList<>();
        Map<String, String> ownerInImport = new HashMap<>();
        for (Imported user : users) {
            List<String> stored = new ArrayList<>();
            for (String value : user.values()) {
                if (value == null || value.isBlank()) {
                    stored.add(value);
                    continue;
                }
                Optional<String> e164 = rule.normalize(value);
                if (e164.isEmpty()) {
                    problems.add(new Problem(user.username(), PhoneNumbers.mask(value), MobileNumberRule.MESSAGE_INVALID, null));
                    continue;
                }
                stored.add(e164.get());
                String first = ownerInImport.putIfAbsent(e164.get(), user.username());
                Optional<String> other = first != null && !first.equals(user.username())
                        ? Optional.of(first) : otherOwner.apply(e164.get(), user.username());
                other.ifPresent(o -> problems.add(new Problem(user.username(), PhoneNumbers.mask(e164.get()),
                        MobileNumberRule.MESSAGE_IN_USE, o)));
            }
            if (!stored.equals(user.values())) {
                toStore.put(user.username(), stored);
            }
        }
        return new Outcome(toStore, problems);
    }
}
