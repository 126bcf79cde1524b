package com.ocq.keycloak.admin.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class AdminPageTest {

    @Test
    void givenBothLanguagesThenTheyHaveTheSameKeysAllPrefixedOcq() {
        Map<String, String> zh = AdminPage.messages("zh-CN");
        Map<String, String> en = AdminPage.messages("en");
        assertThat(zh.keySet()).isEqualTo(en.keySet()).allMatch(k -> k.startsWith("ocqAdmin"));
        assertThat(zh.get("ocqAdminResetTitle")).isEqualTo("激活/重置登录帐号");
        assertThat(zh.get("ocqAdminLoginMethodPhone")).isEqualTo("通过手机号登录");
        assertThat(zh.get("ocqAdminLoginMethodEmail")).isEqualTo("通过邮箱登录");
        assertThat(zh.get("ocqAdminLoginMethodAll")).isEqualTo("全部");
        assertThat(en.get("ocqAdminResetTitle")).isEqualTo("Activate/reset sign-in account");
    }

    @Test
    void givenThePageThenEveryPlaceholderIsAMessageOrAPageValue() {
        Set<String> known = new HashSet<>(AdminPage.messages("zh-CN").keySet());
        known.addAll(Set.of("lang", "otherLang", "base", "realmName", "config"));
        Matcher m = Pattern.compile("\\$\\{([A-Za-z0-9]+)}").matcher(AdminPage.resource("index.html"));
        Set<String> used = new HashSet<>();
        while (m.find()) {
            used.add(m.group(1));
        }
        assertThat(known).containsAll(used);
    }

    @Test
    void givenTheScriptThenEveryMessageItAsksForExists() {
        Matcher m = Pattern.compile("msg\\('(ocqAdmin[A-Za-z]+)'").matcher(AdminPage.resource("app.js"));
        Set<String> asked = new HashSet<>();
        while (m.find()) {
            asked.add(m.group(1));
        }
        assertThat(asked).isNotEmpty();
        assertThat(AdminPage.messages("en").keySet()).containsAll(asked);
    }

    @Test
    void givenThePageThenNoInlineScriptHandlerOrRemoteResource() {
        String html = AdminPage.resource("index.html");
        assertThat(html).doesNotContainPattern("(?i)\\son[a-z]+\\s*=").doesNotContain("http://", "https://", "javascript:");
        assertThat(html.replace("<script type=\"application/json\" id=\"ocq-config\">${config}</script>", "")
                .replace("<script src=\"${base}app.js\" defer></script>", "")).doesNotContain("<script");
    }

    @Test
    void givenTextThenItIsEscapedForHtml() {
        assertThat(AdminPage.html("\"><img src=x onerror=alert(1)>&'")).isEqualTo("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;&#39;");
    }

    @Test
    void givenScriptDataThenItCannotCloseTheScriptElement() {
        String json = AdminPage.scriptData(Map.of("name", "</script><script>alert(1)</script>&"));
        assertThat(json).doesNotContain("<", ">", "&").contains("\\u003c/script\\u003e");
    }

    @Test
    void givenATemplateThenValuesAreFilledOnceAndUnknownNamesFail() {
        assertThat(AdminPage.fill("a ${x} b ${y}", Map.of("x", "${y}", "y", "$1"))).isEqualTo("a ${y} b $1");
        assertThatThrownBy(() -> AdminPage.fill("${missing}", Map.of())).hasMessageContaining("missing");
    }
}
