package com.ocq.keycloak.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.ocq.keycloak.admin.InitialPasswords.Rules;

class InitialPasswordsTest {

    private final SecureRandom random = new SecureRandom();

    /** The policy config as Keycloak parses it (each value an Integer), for a policy string. */
    private static Rules policy(String policy) {
        Map<String, Object> config = new HashMap<>();
        for (String part : policy.split(" and ")) {
            int open = part.indexOf('(');
            config.put(part.substring(0, open), Integer.valueOf(part.substring(open + 1, part.length() - 1)));
        }
        return Rules.of(config::get);
    }

    private static long count(String password, String alphabet) {
        return password.chars().filter(c -> alphabet.indexOf(c) >= 0).count();
    }

    private static long special(String password) {
        return password.chars().filter(c -> !Character.isLetterOrDigit(c)).count();
    }

    @Test
    void givenTheOcqPolicyThenPasswordsHaveTwelveCharactersWithUpperLowerAndDigits() {
        Rules rules = Rules.of(Map.<String, Object>of("length", 8, "maxLength", 64, "passwordHistory", 3)::get);
        for (int i = 0; i < 500; i++) {
            String password = InitialPasswords.generate(rules, random);
            assertThat(password).hasSize(12).matches("[A-Za-z0-9]+");
            assertThat(count(password, InitialPasswords.UPPER)).isPositive();
            assertThat(count(password, InitialPasswords.LOWER)).isPositive();
            assertThat(count(password, InitialPasswords.DIGITS)).isPositive();
        }
    }

    @Test
    void givenNoPolicyThenTwelveCharacters() {
        assertThat(InitialPasswords.generate(Rules.of(key -> null), random)).hasSize(12);
    }

    @Test
    void givenALongerMinimumThenThatLength() {
        assertThat(InitialPasswords.generate(policy("length(20) and maxLength(64)"), random)).hasSize(20);
    }

    @Test
    void givenCharacterClassPoliciesThenEachClassHasItsCount() {
        Rules rules = policy("length(8) and digits(3) and upperCase(2) and lowerCase(4) and specialChars(3)");
        for (int i = 0; i < 500; i++) {
            String password = InitialPasswords.generate(rules, random);
            assertThat(password).hasSize(12);
            assertThat(count(password, InitialPasswords.DIGITS)).isGreaterThanOrEqualTo(3);
            assertThat(count(password, InitialPasswords.UPPER)).isGreaterThanOrEqualTo(2);
            assertThat(count(password, InitialPasswords.LOWER)).isGreaterThanOrEqualTo(4);
            assertThat(special(password)).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void givenClassesThatNeedMoreThanTwelveThenTheLengthGrows() {
        String password = InitialPasswords.generate(policy("digits(6) and upperCase(5) and specialChars(4)"), random);
        assertThat(password).hasSize(16);
        assertThat(count(password, InitialPasswords.DIGITS)).isGreaterThanOrEqualTo(6);
        assertThat(count(password, InitialPasswords.UPPER)).isGreaterThanOrEqualTo(5);
        assertThat(special(password)).isGreaterThanOrEqualTo(4);
    }

    @Test
    void givenAMaximumBelowTwelveThenAsLongAsAllowed() {
        assertThat(InitialPasswords.generate(policy("length(8) and maxLength(10)"), random)).hasSize(10);
    }

    @Test
    void givenAPolicyThatCannotBeMetThenNoPassword() {
        assertThatThrownBy(() -> InitialPasswords.generate(policy("length(20) and maxLength(16)"), random))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> InitialPasswords.generate(policy("digits(10) and specialChars(10) and maxLength(15)"), random))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void givenNoSpecialCharacterPolicyThenOnlyLettersAndDigitsThatCannotBeMisread() {
        Set<Character> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            InitialPasswords.generate(policy("length(8)"), random).chars().forEach(c -> seen.add((char) c));
        }
        assertThat(seen).doesNotContain('0', 'O', '1', 'l', 'I', 'o');
        assertThat(seen).as("every allowed character is drawn").hasSize(
                (InitialPasswords.UPPER + InitialPasswords.LOWER + InitialPasswords.DIGITS).length());
    }

    @Test
    void givenManyDrawsThenNoneRepeatsAndPositionsVary() {
        Set<String> passwords = new HashSet<>();
        Set<Character> firstCharacters = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            String password = InitialPasswords.generate(policy("specialChars(1)"), random);
            passwords.add(password);
            firstCharacters.add(password.charAt(0));
        }
        assertThat(passwords).hasSize(2000);
        assertThat(firstCharacters).as("the classes are shuffled, not in fixed places")
                .anyMatch(c -> InitialPasswords.SPECIAL.indexOf(c) >= 0)
                .anyMatch(c -> InitialPasswords.DIGITS.indexOf(c) >= 0)
                .anyMatch(c -> InitialPasswords.UPPER.indexOf(c) >= 0);
    }
}
