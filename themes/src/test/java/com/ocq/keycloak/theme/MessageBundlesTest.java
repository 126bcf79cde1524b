package com.ocq.keycloak.theme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every OCQ string exists in Chinese and in English: the two login bundles carry the same OCQ
 * keys with the same placeholders, and every OCQ key the templates or the Java code ask for is in
 * both.
 */
class MessageBundlesTest {

    private static final Path LOGIN = Path.of("src/main/resources/theme/ocq/login");
    private static final Path JAVA = Path.of("../authenticator/src/main/java");
    private static final Pattern OCQ_KEY = Pattern.compile("\"(ocq[A-Z][A-Za-z0-9]*)\"");
    /** {@code msg("key")} or {@code msg('key')}, and {@code label="key"} of the button macros, which look the key up themselves. */
    private static final Pattern TEMPLATE_MSG = Pattern.compile("(?:msg\\(\\s*[\"']|label=\")([A-Za-z0-9_.-]+)[\"']");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\d+}");

    private final Properties zh = load(LOGIN.resolve("messages/messages_zh_CN.properties"));
    private final Properties en = load(LOGIN.resolve("messages/messages_en.properties"));

    @Test
    void bothBundlesHaveTheSameOcqKeysWithTheSamePlaceholdersAndNoBlankText() {
        assertThat(ocqKeys(zh)).as("OCQ keys in zh-CN").isEqualTo(ocqKeys(en));
        for (String key : ocqKeys(en)) {
            assertThat(zh.getProperty(key)).as("zh-CN " + key).isNotBlank();
            assertThat(en.getProperty(key)).as("en " + key).isNotBlank();
            assertThat(placeholders(zh.getProperty(key))).as("placeholders of " + key).isEqualTo(placeholders(en.getProperty(key)));
        }
    }

    @Test
    void everyOcqKeyOfTheTemplatesIsInBothBundles() throws IOException {
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.list(LOGIN)) {
            for (Path ftl : files.filter(f -> f.toString().endsWith(".ftl")).toList()) {
                Matcher m = TEMPLATE_MSG.matcher(Files.readString(ftl, StandardCharsets.UTF_8));
                while (m.find()) {
                    if (m.group(1).startsWith("ocq")) {
                        used.add(m.group(1));
                    }
                }
            }
        }
        assertThat(used).as("OCQ keys the templates use, by msg(…) and as a button's label").contains("ocqAccount", "ocqGetCode", "ocqSubmit");
        assertThat(ocqKeys(zh)).containsAll(used);
        assertThat(ocqKeys(en)).containsAll(used);
    }

    /**
     * Messages the authenticators and actions hand to Keycloak's forms (errors, infos, validation
     * messages) by key; names the code passes as template attributes are the ones the templates
     * read as variables instead.
     */
    @Test
    void everyOcqMessageKeyOfTheJavaCodeIsInBothBundles() throws IOException {
        String templates;
        try (Stream<Path> files = Files.list(LOGIN)) {
            templates = files.filter(f -> f.toString().endsWith(".ftl")).map(MessageBundlesTest::read).collect(Collectors.joining("\n"));
        }
        Set<String> missing = new TreeSet<>();
        Set<String> checked = new TreeSet<>();
        try (Stream<Path> files = Files.walk(JAVA)) {
            for (Path java : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = OCQ_KEY.matcher(read(java));
                while (m.find()) {
                    String key = m.group(1);
                    boolean attribute = Pattern.compile("(\\$\\{|<#if\\s+|[(,]\\s*)" + key + "\\b|\\b" + key + "(\\?\\?|!)").matcher(templates).find();
                    if (attribute && !en.containsKey(key)) {
                        continue;
                    }
                    checked.add(key);
                    if (!zh.containsKey(key) || !en.containsKey(key)) {
                        missing.add(key);
                    }
                }
            }
        }
        assertThat(checked).as("message keys found in the Java code").contains("ocqSmsCodeInvalid", "ocqPhoneNumberInUse");
        assertThat(missing).as("keys missing from a bundle").isEmpty();
    }

    @Test
    void theAccountConsoleCorrectionsSayLoginAsOcqScreensDo() {
        Properties account = load(Path.of("src/main/resources/theme/ocq/account/messages/messages_zh_CN.properties"));
        assertThat(account).isNotEmpty();
        assertThat(account.values()).allSatisfy(v -> assertThat((String) v).doesNotContain("登陆"));
        assertThat(zh.values()).allSatisfy(v -> assertThat((String) v).doesNotContain("登陆"));
    }

    private static Set<String> ocqKeys(Properties p) {
        return p.stringPropertyNames().stream().filter(k -> k.startsWith("ocq")).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> placeholders(String text) {
        return PLACEHOLDER.matcher(text).results().map(r -> r.group()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Properties load(Path p) {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
            props.load(r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return props;
    }
}
