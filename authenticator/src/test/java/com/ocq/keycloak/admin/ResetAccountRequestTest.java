package com.ocq.keycloak.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ResetAccountRequestTest {

    @Test
    void givenEachLoginMethodThenItIsTaken() throws Exception {
        for (String method : new String[] {"phone", "email", "all"}) {
            assertThat(ResetAccountRequest.parse(Map.of("loginMethods", method)).loginMethods()).isEqualTo(method);
        }
        assertThat(ResetAccountRequest.parse(Map.of("loginMethods", " Phone ")).loginMethods()).isEqualTo("phone");
    }

    @Test
    void givenSendSmsAsBooleanOrTextThenItIsTaken() throws Exception {
        assertThat(ResetAccountRequest.parse(Map.of("loginMethods", "all", "sendSms", true)).sendSms()).isTrue();
        assertThat(ResetAccountRequest.parse(Map.of("loginMethods", "all", "sendSms", "true")).sendSms()).isTrue();
        assertThat(ResetAccountRequest.parse(Map.of("loginMethods", "all", "sendSms", false)).sendSms()).isFalse();
        assertThat(ResetAccountRequest.parse(Map.of("loginMethods", "all")).sendSms()).as("no SMS unless asked").isFalse();
    }

    @Test
    void givenBadBodiesThenEachIsRefusedWithWhatIsWrong() {
        Map<String, Object> nullMethod = new HashMap<>();
        nullMethod.put("loginMethods", null);
        assertThatThrownBy(() -> ResetAccountRequest.parse(null)).hasMessageContaining("JSON body");
        assertThatThrownBy(() -> ResetAccountRequest.parse(Map.of())).hasMessageContaining("loginMethods");
        assertThatThrownBy(() -> ResetAccountRequest.parse(nullMethod)).hasMessageContaining("loginMethods");
        assertThatThrownBy(() -> ResetAccountRequest.parse(Map.of("loginMethods", "sms"))).hasMessageContaining("phone, email, all");
        assertThatThrownBy(() -> ResetAccountRequest.parse(Map.of("loginMethods", 1))).hasMessageContaining("phone, email, all");
        assertThatThrownBy(() -> ResetAccountRequest.parse(Map.of("loginMethods", "all", "sendSms", "yes")))
                .hasMessageContaining("sendSms");
        assertThatThrownBy(() -> ResetAccountRequest.parse(Map.of("loginMethods", "all", "sendSMS", true)))
                .hasMessageContaining("Unknown field 'sendSMS'");
        assertThatThrownBy(() -> ResetAccountRequest.parse(Map.of("loginMethods", "all", "password", "chosen")))
                .as("the password is always generated").hasMessageContaining("Unknown field 'password'");
    }
}
