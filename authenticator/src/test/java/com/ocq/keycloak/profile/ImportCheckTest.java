package com.ocq.keycloak.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.ocq.keycloak.profile.ImportCheck.Imported;
import com.ocq.keycloak.profile.ImportCheck.Outcome;
import com.ocq.keycloak.profile.ImportCheck.Problem;

class ImportCheckTest {

    /** Users already in the realm, by E.164 number. */
    private final Map<String, String> realmOwners = Map.of("+8613900000101", "zhanglonghui");
    private final List<String> lookups = new ArrayList<>();

    private Outcome check(Imported... users) {
        return ImportCheck.check(List.of(users), MobileNumberRule.DEFAULT, (e164, username) -> {
            lookups.add(e164);
            return Optional.ofNullable(realmOwners.get(e164)).filter(owner -> !owner.equals(username));
        });
    }

    private static Imported user(String username, String... values) {
        return new Imported(username, List.of(values));
    }

    @Test
    void givenNumbersInOtherFormsThenTheyAreToBeStoredInE164AndLookedUpInIt() {
        Outcome outcome = check(user("a", "139 0000 0201"), user("b", "+8613900000202"), user("c", "００８６１３９００００02０３"));
        assertThat(outcome.problems()).isEmpty();
        assertThat(outcome.toStore()).containsOnlyKeys("a", "c")
                .containsEntry("a", List.of("+8613900000201")).containsEntry("c", List.of("+8613900000203"));
        assertThat(lookups).containsExactly("+8613900000201", "+8613900000202", "+8613900000203");
    }

    @Test
    void givenTwoImportedUsersWithOneNumberInTwoFormsThenTheSecondIsRefusedNamingTheFirst() {
        Outcome outcome = check(user("a", "13900000301"), user("b", "+86 139-0000-0301"));
        assertThat(outcome.problems()).containsExactly(
                new Problem("b", "139****0301", MobileNumberRule.MESSAGE_IN_USE, "a"));
        assertThat(outcome.problems().get(0).describe()).contains("'b'", "139****0301", "'a'").doesNotContain("13900000301");
    }

    @Test
    void givenTheNumberOfAUserAlreadyInTheRealmThenItIsRefused() {
        Outcome outcome = check(user("newcomer", "139 0000 0101"));
        assertThat(outcome.problems()).containsExactly(
                new Problem("newcomer", "139****0101", MobileNumberRule.MESSAGE_IN_USE, "zhanglonghui"));
    }

    @Test
    void givenTheUserItselfInTheRealmThenItsOwnNumberIsNoDuplicate() {
        assertThat(check(user("zhanglonghui", "+8613900000101")).problems()).isEmpty();
    }

    @Test
    void givenAnInvalidNumberThenItIsRefusedMaskedAndNeverLookedUp() {
        Outcome outcome = check(user("a", "12345"), user("b", "+1 415 555 2671"));
        assertThat(outcome.problems()).extracting(Problem::username, Problem::maskedNumber, Problem::messageKey).containsExactly(
                tuple("a", "****", MobileNumberRule.MESSAGE_INVALID),
                tuple("b", "141****2671", MobileNumberRule.MESSAGE_INVALID));
        assertThat(outcome.problems().get(1).describe()).doesNotContain("4155552671");
        assertThat(lookups).isEmpty();
    }

    @Test
    void givenNoOrBlankValuesThenNothingIsCheckedOrStored() {
        Outcome outcome = check(user("a"), user("b", " "));
        assertThat(outcome.problems()).isEmpty();
        assertThat(outcome.toStore()).isEmpty();
        assertThat(lookups).isEmpty();
    }
}
