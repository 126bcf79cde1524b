package com.ocq.keycloak.profile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.ocq.keycloak.sms.phone.PhoneNumbers;

/**
 * What the {@code ocq-mobile-number} validator of one user-profile attribute allows, and how a
 * typed value is stored: in E.164, whatever form was typed ({@code 138 0013 8000},
 * {@code +86 138-0013-8000}, {@code 0086…}, full-width digits), so that sign-in and the uniqueness
 * check can look a number up with one exact query. Numbers without a country code are read as
 * mainland-China numbers; other allowed regions need their country code.
 */
public record MobileNumberRule(Set<String> regions) {

    /** Validator option: the ISO region codes numbers may belong to (a list or a comma-separated string). */
    public static final String REGIONS = "regions";

    /** Message key: not a mobile number of an allowed region. */
    public static final String MESSAGE_INVALID = "ocqInvalidPhoneNumber";
    /** Message key: another user of the realm has this number. */
    public static final String MESSAGE_IN_USE = "ocqPhoneNumberInUse";

    public static final MobileNumberRule DEFAULT = new MobileNumberRule(PhoneNumbers.DEFAULT_ALLOWED_REGIONS);

    public MobileNumberRule {
        regions = Set.copyOf(regions);
    }

    /** The rule a validator config describes; no {@value #REGIONS} option means mainland China only. */
    public static MobileNumberRule of(Map<String, ?> config) {
        List<String> codes = codes(config);
        return codes.isEmpty() ? DEFAULT : new MobileNumberRule(PhoneNumbers.regions(codes));
    }

    /** The configured region codes libphonenumber does not know, for refusing a bad configuration. */
    public static List<String> unknownRegions(Map<String, ?> config) {
        List<String> codes = codes(config);
        Set<String> known = PhoneNumbers.regions(codes);
        return codes.stream().filter(c -> !known.contains(c.strip().toUpperCase(Locale.ROOT))).toList();
    }

    /** The E.164 form of {@code typed}, if it is a mobile number of an allowed region. */
    public Optional<String> normalize(String typed) {
        return PhoneNumbers.normalize(typed, PhoneNumbers.DEFAULT_REGION, regions);
    }

    /**
     * What to store for typed values: each one in E.164 where it is a valid number; anything else
     * (blank, or not a number) unchanged, so that the validator refuses it with its message.
     */
    public List<String> storedForm(List<String> typed) {
        List<String> stored = new ArrayList<>(typed.size());
        for (String value : typed) {
            stored.add(value == null || value.isBlank() ? value : normalize(value).orElse(value));
        }
        return stored;
    }

    private static List<String> codes(Map<String, ?> config) {
        Object value = config == null ? null : config.get(REGIONS);
        List<String> codes = new ArrayList<>();
        if (value instanceof Collection<?> list) {
            list.forEach(v -> codes.addAll(split(String.valueOf(v))));
        } else if (value != null) {
            codes.addAll(split(value.toString()));
        }
        return codes;
    }

    private static List<String> split(String value) {
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
