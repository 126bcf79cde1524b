package com.ocq.keycloak.admin;

import java.security.SecureRandom;
import java.util.function.Function;

/**
 * Initial passwords that an administrator hands to an employee (rule 17): random from
 * {@link SecureRandom}, at least {@link #MIN_LENGTH} characters, and shaped to the realm's
 * character-class and length policies. Characters that are easily misread on a screen or in an
 * SMS (0/O, 1/l/I) are left out. Policies that cannot be aimed at (blocklist, history, regex,
 * not-username) are checked by the caller, who draws again on a miss.
 */
final class InitialPasswords {

    static final int MIN_LENGTH = 12;

    static final String UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    static final String LOWER = "abcdefghijkmnpqrstuvwxyz";
    static final String DIGITS = "23456789";
    /** Not letters or digits (what Keycloak's specialChars policy counts), and harmless in an SMS. */
    static final String SPECIAL = "!#%*+-=?@";
    private static final String FILL = UPPER + LOWER + DIGITS;

    private InitialPasswords() {
    }

    /**
     * What a password must look like: length bounds and the minimum number of characters per
     * class (Keycloak's {@code length}, {@code maxLength}, {@code digits}, {@code lowerCase},
     * {@code upperCase}, {@code specialChars} policies).
     */
    record Rules(int minLength, int maxLength, int digits, int lowerCase, int upperCase, int specialChars) {

        /** From a realm's password policy, read through {@code PasswordPolicy::getPolicyConfig}. */
        static Rules of(Function<String, Object> policyConfig) {
            return new Rules(number(policyConfig, "length", 0), number(policyConfig, "maxLength", Integer.MAX_VALUE),
                    number(policyConfig, "digits", 0), number(policyConfig, "lowerCase", 0),
                    number(policyConfig, "upperCase", 0), number(policyConfig, "specialChars", 0));
        }

        private static int number(Function<String, Object> policyConfig, String key, int absent) {
            return policyConfig.apply(key) instanceof Number n ? Math.max(0, n.intValue()) : absent;
        }

        /** At least one upper-case letter, lower-case letter and digit, whatever the policy asks. */
        int upper() {
            return Math.max(1, upperCase);
        }

        int lower() {
            return Math.max(1, lowerCase);
        }

        int digit() {
            return Math.max(1, digits);
        }

        /** The length drawn: the longest of 12, the policy's minimum and the classes' sum, if the maximum allows. */
        int length() {
            int required = upper() + lower() + digit() + specialChars;
            int length = Math.max(Math.max(MIN_LENGTH, minLength), required);
            if (length > maxLength) {
                length = Math.max(Math.max(minLength, required), maxLength);
            }
            if (length > maxLength) {
                throw new IllegalStateException("The password policy asks for more characters (" + Math.max(minLength, required)
                        + ") than it allows (" + maxLength + ")");
            }
            return length;
        }
    }

    static String generate(Rules rules, SecureRandom random) {
        int length = rules.length();
        char[] password = new char[length];
        int i = 0;
        i = draw(password, i, rules.upper(), UPPER, random);
        i = draw(password, i, rules.lower(), LOWER, random);
        i = draw(password, i, rules.digit(), DIGITS, random);
        i = draw(password, i, rules.specialChars(), SPECIAL, random);
        draw(password, i, length - i, FILL, random);
        for (int j = length - 1; j > 0; j--) {
            int k = random.nextInt(j + 1);
            char c = password[j];
            password[j] = password[k];
            password[k] = c;
        }
        return new String(password);
    }

    private static int draw(char[] into, int from, int count, String alphabet, SecureRandom random) {
        for (int n = 0; n < count; n++) {
            into[from + n] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return from + count;
    }
}
