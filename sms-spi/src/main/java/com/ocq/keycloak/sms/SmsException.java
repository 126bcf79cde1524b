package com.ocq.keycloak.sms;

/**
 * A gateway did not accept a message. A permanent failure (invalid number, template rejected, out
 * of credit) will fail again anywhere; a transient one (timeout, HTTP 5xx, throttled) may succeed
 * on a retry or through another gateway.
 */
public class SmsException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean permanent;
    private final String vendorCode;
    private final String sender;

    public SmsException(String message, boolean permanent, String vendorCode) {
        this(message, permanent, vendorCode, null, null);
    }

    public SmsException(String message, boolean permanent, String vendorCode, Throwable cause) {
        this(message, permanent, vendorCode, null, cause);
    }

    public SmsException(String message, boolean permanent, String vendorCode, String sender, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
        this.vendorCode = vendorCode;
        this.sender = sender;
    }

    public static SmsException permanent(String message, String vendorCode) {
        return new SmsException(message, true, vendorCode);
    }

    public static SmsException temporary(String message, String vendorCode, Throwable cause) {
        return new SmsException(message, false, vendorCode, cause);
    }

    /** True when retrying, here or at another gateway, cannot help. */
    public boolean isPermanent() {
        return permanent;
    }

    /** The id of the sender that failed last, when known. */
    public String getSender() {
        return sender;
    }

    /** The vendor's own error code, or {@code null}. */
    public String getVendorCode() {
        return vendorCode;
    }
}
