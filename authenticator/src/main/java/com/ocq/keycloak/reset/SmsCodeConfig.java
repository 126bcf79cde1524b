package com.ocq.keycloak.reset;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import com.ocq.keycloak.sms.phone.PhoneNumbers;

/**
 * The SMS-code step's settings, from its authenticator config in the admin console. Every value
 * has a default and bounds (rules 2, 4 and 6 of the security requirements); a missing or
 * unparsable value never throws, it gives the default, and an out-of-range one is clamped.
 */
record SmsCodeConfig(int ttlSeconds, int maxAttempts, int accountFailures, int cooldownSeconds, int phonePerHour,
        int phonePerDay, int ipPerHour, int realmPerDay, List<String> senders, Set<String> regions) {

    static final String TTL = "ocq.code.ttl";
    static final String MAX_ATTEMPTS = "ocq.code.maxAttempts";
    static final String ACCOUNT_FAILURES = "ocq.account.maxFailuresPerDay";
    static final String COOLDOWN = "ocq.send.cooldown";
    static final String PHONE_HOUR = "ocq.send.perPhonePerHour";
    static final String PHONE_DAY = "ocq.send.perPhonePerDay";
    static final String IP_HOUR = "ocq.send.perIpPerHour";
    static final String REALM_DAY = "ocq.send.realmDailyBudget";
    static final String SENDERS = "ocq.senders";
    static final String REGIONS = "ocq.regions";

    static final SmsCodeConfig DEFAULTS = from(Map.of());

    static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(TTL).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("300")
            .label("Code lifetime (seconds)").helpText("How long a code works: 30 to 600 seconds. Default 300.").add()
            .property().name(MAX_ATTEMPTS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("5")
            .label("Wrong entries per code").helpText("A code dies after this many wrong entries: 1 to 10. Default 5.").add()
            .property().name(ACCOUNT_FAILURES).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("10")
            .label("Wrong codes per account per 24 h")
            .helpText("After this many wrong codes in 24 hours, SMS recovery is refused for the account (the page looks the same): 3 to 50. Default 10.").add()
            .property().name(COOLDOWN).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("60")
            .label("Seconds between two codes").helpText("Per mobile number: 30 to 600. Default 60.").add()
            .property().name(PHONE_HOUR).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("5")
            .label("Codes per number per hour").helpText("1 to 20. Default 5.").add()
            .property().name(PHONE_DAY).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("10")
            .label("Codes per number per 24 h").helpText("1 to 50. Default 10.").add()
            .property().name(IP_HOUR).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("10")
            .label("Codes per client IP per hour")
            .helpText("1 to 100. Default 10. X-Forwarded-For counts only when Keycloak is configured to trust the proxy.").add()
            .property().name(REALM_DAY).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("1000")
            .label("Realm daily SMS budget")
            .helpText("Codes the realm may send per day (days start at 00:00 China Standard Time): 1 to 1000000. Default 1000.").add()
            .property().name(SENDERS).type(ProviderConfigProperty.STRING_TYPE).defaultValue("")
            .label("SMS senders, in order")
            .helpText("Comma-separated sender ids tried in order (for example aliyun,tencent). Empty: the server's configured list.").add()
            .property().name(REGIONS).type(ProviderConfigProperty.STRING_TYPE).defaultValue("CN")
            .label("Allowed regions").helpText("Comma-separated ISO region codes numbers may belong to. Default CN (mainland China).").add()
            .build();

    static SmsCodeConfig of(AuthenticatorConfigModel model) {
        return from(model == null || model.getConfig() == null ? Map.of() : model.getConfig());
    }

    static SmsCodeConfig from(Map<String, String> config) {
        Set<String> regions = PhoneNumbers.regions(list(config.get(REGIONS)));
        return new SmsCodeConfig(
                bounded(config.get(TTL), 300, 30, 600),
                bounded(config.get(MAX_ATTEMPTS), 5, 1, 10),
                bounded(config.get(ACCOUNT_FAILURES), 10, 3, 50),
                bounded(config.get(COOLDOWN), 60, 30, 600),
                bounded(config.get(PHONE_HOUR), 5, 1, 20),
                bounded(config.get(PHONE_DAY), 10, 1, 50),
                bounded(config.get(IP_HOUR), 10, 1, 100),
                bounded(config.get(REALM_DAY), 1000, 1, 1_000_000),
                list(config.get(SENDERS)),
                regions.isEmpty() ? PhoneNumbers.DEFAULT_ALLOWED_REGIONS : regions);
    }

    private static int bounded(String value, int fallback, int min, int max) {
        int n;
        try {
            n = value == null || value.isBlank() ? fallback : Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            n = fallback;
        }
        return Math.max(min, Math.min(max, n));
    }

    private static List<String> list(String value) {
        return value == null ? List.of()
                : Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
