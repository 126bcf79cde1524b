package com.ocq.keycloak.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MobileNumberRuleTest {

    private final MobileNumberRule china = MobileNumberRule.of(Map.of());

    @ParameterizedTest
    @ValueSource(strings = {"13800138000", "138 0013 8000", "+86 138-0013-8000", "0086 13800138000", "＋８６ １３８００１３８０００",
            "１３８００１３８０００", " 138\u30000013\u30008000 "})
    void givenAnyWrittenFormOfOneNumberThenItIsStoredInE164(String typed) {
        assertThat(china.storedForm(List.of(typed))).containsExactly("+8613800138000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-a-number", "12", "${code}", "<img src=x onerror=alert(1)>", "13800138000\n",
            "+1 415 555 2671" /* not an allowed region */, "010 6552 9988" /* Beijing landline */})
    void givenSomethingElseThenItIsKeptAsTypedForTheValidatorToRefuse(String typed) {
        assertThat(china.normalize(typed)).isEmpty();
        assertThat(china.storedForm(List.of(typed))).containsExactly(typed);
    }

    @Test
    void givenBlankValuesThenTheyStayBlankSoKeycloakRemovesTheAttribute() {
        assertThat(china.storedForm(Arrays.asList("", " ", null))).containsExactly("", " ", null);
    }

    @Test
    void givenNoRegionsOptionThenOnlyMainlandChinaIsAllowed() {
        assertThat(china.regions()).containsExactly("CN");
        assertThat(MobileNumberRule.of(null)).isEqualTo(MobileNumberRule.DEFAULT);
    }

    @Test
    void givenRegionsAsAListOrACommaSeparatedStringThenBothAreRead() {
        MobileNumberRule fromList = MobileNumberRule.of(Map.of(MobileNumberRule.REGIONS, List.of("cn", " HK")));
        MobileNumberRule fromString = MobileNumberRule.of(Map.of(MobileNumberRule.REGIONS, "CN,hk"));
        assertThat(fromList.regions()).containsExactlyInAnyOrder("CN", "HK");
        assertThat(fromString).isEqualTo(fromList);
        assertThat(fromList.normalize("+852 5123 4567")).contains("+85251234567");
        assertThat(china.normalize("+852 5123 4567")).isEmpty();
    }

    @Test
    void givenAnUnknownRegionCodeThenTheConfigurationCheckNamesIt() {
        assertThat(MobileNumberRule.unknownRegions(Map.of(MobileNumberRule.REGIONS, List.of("CN", "XX", "china"))))
                .containsExactly("XX", "china");
        assertThat(MobileNumberRule.unknownRegions(Map.of(MobileNumberRule.REGIONS, List.of("CN")))).isEmpty();
        assertThat(MobileNumberRule.unknownRegions(Map.of())).isEmpty();
    }
}
