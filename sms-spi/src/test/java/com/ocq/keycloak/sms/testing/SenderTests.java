package com.ocq.keycloak.sms.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Map;

import com.ocq.keycloak.sms.SmsException;
import com.ocq.keycloak.sms.SmsMessage;
import com.ocq.keycloak.sms.SmsSenderProvider;
import com.ocq.keycloak.sms.SmsSenderProviderFactory;

/** What the vendor sender tests share: a factory started with options, and the checks of a failed send. */
public final class SenderTests {

    private SenderTests() {
    }

    /** The factory after {@code init} with these options, as Keycloak would start it. */
    public static <F extends SmsSenderProviderFactory> F initialized(F factory, Map<String, String> options) {
        factory.init(new MapScope(options));
        return factory;
    }

    /** The factory after checking that, with no options at all, neither {@code init} nor {@code create} throws. */
    public static <F extends SmsSenderProviderFactory> F startedWithoutOptions(F factory) {
        assertThatCode(() -> factory.init(new MapScope(Map.of()))).doesNotThrowAnyException();
        assertThatCode(() -> factory.create(null)).doesNotThrowAnyException();
        return factory;
    }

    /** The exception of a send that must fail. */
    public static SmsException failure(SmsSenderProvider sender, SmsMessage message) {
        SmsException e = catchThrowableOfType(SmsException.class, () -> sender.send(message));
        assertThat(e).as("send must fail with an SmsException").isNotNull();
        return e;
    }

    /** The exception of a send that must fail, permanently or not (worth another try), with this vendor code. */
    public static SmsException failure(SmsSenderProvider sender, SmsMessage message, boolean permanent, String vendorCode) {
        SmsException e = failure(sender, message);
        assertThat(e.isPermanent()).as("permanent").isEqualTo(permanent);
        assertThat(e.getVendorCode()).isEqualTo(vendorCode);
        return e;
    }

    /**
     * The failure of a send the configuration must refuse: permanent, naming {@code option} (a key
     * or the option's full name), and before any request reached the gateway.
     */
    public static SmsException refusedNaming(FakeGateway gateway, SmsSenderProvider sender, SmsMessage message, String option) {
        SmsException e = failure(sender, message);
        assertThat(e.isPermanent()).as("permanent").isTrue();
        assertThat(e.getMessage()).contains(option);
        assertThat(gateway.requests()).isEmpty();
        return e;
    }

    /**
     * The failure of a send to a gateway that never answers, through a sender whose timeout is
     * 300 ms: temporary, {@code TIMEOUT}, and within the timeout (not the test's patience).
     */
    public static SmsException timeoutFailure(SmsSenderProvider sender, SmsMessage message) {
        long start = System.nanoTime();
        SmsException e = failure(sender, message, false, "TIMEOUT");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(250)).isLessThan(Duration.ofSeconds(3));
        return e;
    }

    /** The factory is public and final (others may name it), the sender package-private and final. */
    public static void assertPublicFactoryAndHiddenSender(Class<?> factory, Class<?> sender) {
        assertThat(Modifier.isPublic(factory.getModifiers())).isTrue();
        assertThat(Modifier.isFinal(factory.getModifiers())).isTrue();
        assertThat(Modifier.isPublic(sender.getModifiers())).isFalse();
        assertThat(Modifier.isFinal(sender.getModifiers())).isTrue();
    }
}
