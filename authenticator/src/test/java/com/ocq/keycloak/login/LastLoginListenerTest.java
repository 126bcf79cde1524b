package com.ocq.keycloak.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

class LastLoginListenerTest {

    @Test
    void givenAnEventTimeThenItIsWrittenAsIsoWithTheZonesOffsetToTheSecond() {
        long millis = OffsetDateTime.parse("2026-05-21T12:44:12.789Z").toInstant().toEpochMilli();
        assertThat(LastLoginListener.format(millis, ZoneId.of("Asia/Shanghai"))).isEqualTo("2026-05-21T20:44:12+08:00");
        assertThat(LastLoginListener.format(millis, ZoneId.of("UTC"))).isEqualTo("2026-05-21T12:44:12Z");
    }

    @Test
    void givenTheWrittenValueThenItParsesBackToTheSameInstant() {
        long millis = 1_780_000_000_000L;
        String written = LastLoginListener.format(millis, ZoneId.of("Asia/Shanghai"));
        assertThat(OffsetDateTime.parse(written).toInstant().toEpochMilli()).isEqualTo(millis);
    }
}
