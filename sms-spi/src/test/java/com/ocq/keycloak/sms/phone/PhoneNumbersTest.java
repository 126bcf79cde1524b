package com.ocq.keycloak.sms.phone;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PhoneNumbersTest {

    @Nested
    class GivenTheDefaultsMainlandChinaOnly {

        @ParameterizedTest
        @ValueSource(strings = {
            "13800138000", "+8613800138000", "+86 138-0013-8000", "0086 13800138000", "0086-138 0013 8000",
            "１３８００１３８０００", "＋８６　１３８００１３８０００", " 138.0013.8000 ", "(+86) 138 0013 8000"
        })
        void everyWrittenFormOfOneNumberIsOneKey(String typed) {
            assertThat(PhoneNumbers.normalize(typed)).contains("+8613800138000");
        }

        @ParameterizedTest
        @NullAndEmptySource
        @ValueSource(strings = {
            "1380013800", "138001380001", "abc13800138000", "13800138000'--", "${code}", "+1 415 555 2671",
            "+852 6123 4567", "010 6552 9988", "13800138000\n", "+86", "12345678901234567890123456789012345"
        })
        void anythingElseIsRefused(String typed) {
            assertThat(PhoneNumbers.normalize(typed)).isEmpty();
        }
    }

    @Test
    void givenHongKongAllowedThenAHongKongMobileIsAccepted() {
        assertThat(PhoneNumbers.normalize("+852 6123 4567", "CN", Set.of("CN", "HK"))).contains("+85261234567");
    }

    @Test
    void givenRegionCodesThenUnknownOnesAreDroppedAndCaseIsFolded() {
        assertThat(PhoneNumbers.regions(java.util.List.of(" cn", "HK", "XX"))).containsExactlyInAnyOrder("CN", "HK");
    }

    @Nested
    class Masking {

        @Test
        void aChineseMobileShowsThreeAndFourDigits() {
            assertThat(PhoneNumbers.mask("+8613800138000")).isEqualTo("138****8000");
        }

        @Test
        void anotherCountryKeepsItsCountryCodeDigits() {
            assertThat(PhoneNumbers.mask("+14155552671")).isEqualTo("141****2671");
        }

        @Test
        void shortOrMissingInputIsFullyMasked() {
            assertThat(PhoneNumbers.mask("12345")).isEqualTo("****");
            assertThat(PhoneNumbers.mask(null)).isEqualTo("****");
        }
    }
}
