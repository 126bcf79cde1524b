package com.ocq.keycloak.sms.phone;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * Parses what people type as a mobile number into E.164, the one form every limit, lookup and
 * send uses. {@code 13900000101}, {@code +86 139-0000-0101}, {@code 0086 13900000101} and the
 * full-width {@code １３９０００００１０１} are the same number.
 */
public final class PhoneNumbers {

    /** Regions allowed when nothing else is configured: mainland China. */
    public static final Set<String> DEFAULT_ALLOWED_REGIONS = Set.of("CN");
    /** Every region libphonenumber knows, for looking numbers up (sending still honours the allowed list). */
    public static final Set<String> ALL_REGIONS = Set.copyOf(PhoneNumberUtil.getInstance().getSupportedRegions());
    /** The region assumed for numbers typed without a country code. */
    public static final String DEFAULT_REGION = "CN";

    /** Longer input is refused before parsing; the longest E.164 number with separators fits. */
    static final int MAX_INPUT_LENGTH = 32;

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private PhoneNumbers() {
    }

    /**
     * The E.164 form of {@code raw} if it is a valid mobile (or fixed-or-mobile) number of one of
     * {@code allowedRegions}; empty for anything else.
     */
    public static Optional<String> normalize(String raw, String defaultRegion, Set<String> allowedRegions) {
        if (raw == null || raw.chars().anyMatch(Character::isISOControl)) {
            return Optional.empty();
        }
        String input = foldWidth(raw).strip();
        if (input.isEmpty() || input.length() > MAX_INPUT_LENGTH || !input.matches("[0-9+()\\-. ]+")) {
            return Optional.empty();
        }
        // "00" is the international call prefix of China and most of the world.
        if (input.startsWith("00")) {
            input = "+" + input.substring(2);
        }
        try {
            PhoneNumber number = UTIL.parse(input, defaultRegion);
            String region = UTIL.getRegionCodeForNumber(number);
            if (region == null || !allowedRegions.contains(region) || !UTIL.isValidNumber(number)) {
                return Optional.empty();
            }
            PhoneNumberType type = UTIL.getNumberType(number);
            if (type != PhoneNumberType.MOBILE && type != PhoneNumberType.FIXED_LINE_OR_MOBILE) {
                return Optional.empty();
            }
            return Optional.of(UTIL.format(number, PhoneNumberFormat.E164));
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /** {@link #normalize(String, String, Set)} with the defaults: region CN, CN only. */
    public static Optional<String> normalize(String raw) {
        return normalize(raw, DEFAULT_REGION, DEFAULT_ALLOWED_REGIONS);
    }

    /**
     * A form safe for logs, events and screens: the first three and last four digits of the
     * national number ({@code 139****0101}); anything too short to mask becomes {@code ****}.
     */
    public static String mask(String phoneNumber) {
        if (phoneNumber == null) {
            return "****";
        }
        String digits = foldWidth(phoneNumber).replaceAll("[^0-9]", "");
        if (phoneNumber.startsWith("+86") && digits.length() == 13) {
            digits = digits.substring(2);
        }
        if (digits.length() < 8) {
            return "****";
        }
        return digits.substring(0, 3) + "****" + digits.substring(digits.length() - 4);
    }

    /** Region codes such as "CN" or "hk", upper-cased, unknown ones dropped. */
    public static Set<String> regions(java.util.Collection<String> codes) {
        Set<String> supported = UTIL.getSupportedRegions();
        return codes.stream()
                .map(c -> c.strip().toUpperCase(Locale.ROOT))
                .filter(supported::contains)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** Full-width digits, plus, minus and space (as typed with a Chinese IME) to ASCII. */
    public static String foldWidth(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '\uFF01' && c <= '\uFF5E') {
                out.append((char) (c - 0xFEE0));
            } else if (c == '\u3000') {
                out.append(' ');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
