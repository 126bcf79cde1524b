package com.ocq.keycloak.reset;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import com.ocq.keycloak.reset.SmsCodes.Verdict;

class SmsCodesTest {

    private static final String TAB = "realm:session:tab";
    private static final String USER = "user-1";
    private static final String PHONE = "+8613900000101";

    private final MemoryStore store = new MemoryStore();
    private final SmsCodes codes = new SmsCodes(store, new SecureRandom());

    private String issue() {
        String code = codes.newCode();
        codes.issue(TAB, code, USER, PHONE, 300);
        return code;
    }

    private static String wrong(String code) {
        return code.equals("000000") ? "000001" : "000000";
    }

    @Test
    void givenNewCodesThenTheyAreSixDigits() {
        for (int i = 0; i < 200; i++) {
            assertThat(codes.newCode()).matches("\\d{6}");
        }
    }

    @Test
    void givenTheStoreThenItHoldsNoPlainCode() {
        String code = issue();
        assertThat(store.get("code:" + TAB).values()).noneMatch(v -> v.contains(code));
    }

    @Nested
    class SingleUse {

        @Test
        void givenTheRightCodeThenItIsAcceptedOnceOnly() {
            String code = issue();
            assertThat(codes.verify(TAB, code, USER, PHONE, 5, 300)).isEqualTo(Verdict.ACCEPTED);
            // A copy of the request (double click, retry on another node) that read the tab's state
            // before the use: it says the tab passed, never accepts the code a second time.
            assertThat(codes.verify(TAB, code, USER, PHONE, 5, 300)).as("a copy racing the accepted entry")
                    .isEqualTo(Verdict.TAB_PASSED);
            assertThat(codes.verify(TAB, code, "another-user", PHONE, 5, 300)).as("for another user").isEqualTo(Verdict.EXPIRED);
            store.advance(SmsCodes.RACE_WINDOW_SECONDS);
            assertThat(codes.verify(TAB, code, USER, PHONE, 5, 300)).as("after the race window").isEqualTo(Verdict.EXPIRED);
        }

        @Test
        void givenAUsedCodeThenANewCodeOfTheTabIsAcceptedAsItsOwn() {
            assertThat(codes.verify(TAB, issue(), USER, PHONE, 5, 300)).isEqualTo(Verdict.ACCEPTED);
            String next = issue();
            assertThat(codes.verify(TAB, wrong(next), USER, PHONE, 5, 300)).isEqualTo(Verdict.WRONG);
            assertThat(codes.verify(TAB, next, USER, PHONE, 5, 300)).isEqualTo(Verdict.ACCEPTED);
        }

        @Test
        void givenANewerCodeThenTheOlderOneNoLongerWorks() {
            String old = issue();
            String newer = issue();
            if (!old.equals(newer)) {
                assertThat(codes.verify(TAB, old, USER, PHONE, 5, 300)).isEqualTo(Verdict.WRONG);
            }
            assertThat(codes.verify(TAB, newer, USER, PHONE, 5, 300)).isEqualTo(Verdict.ACCEPTED);
        }

        @Test
        void givenTheLifetimePlusOneSecondThenTheCodeIsExpired() {
            String code = issue();
            store.advance(301);
            assertThat(codes.verify(TAB, code, USER, PHONE, 5, 300)).isEqualTo(Verdict.EXPIRED);
        }

        @Test
        void givenAnotherTabThenTheCodeIsUnknownThere() {
            String code = issue();
            assertThat(codes.verify("realm:session:other-tab", code, USER, PHONE, 5, 300)).isEqualTo(Verdict.EXPIRED);
        }

        @Test
        void givenThePhoneNumberChangedSinceSendingThenTheCodeIsStale() {
            String code = issue();
            assertThat(codes.verify(TAB, code, USER, "+8613900000999", 5, 300)).isEqualTo(Verdict.STALE);
            assertThat(codes.verify(TAB, code, USER, PHONE, 5, 300)).as("and gone").isEqualTo(Verdict.EXPIRED);
        }

        @RepeatedTest(5)
        void givenOneValidCodeSubmittedInParallelThenExactlyOneSucceeds() throws Exception {
            String code = issue();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Callable<Verdict>> tasks = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    tasks.add(() -> codes.verify(TAB, code, USER, PHONE, 5, 300));
                }
                List<Verdict> verdicts = new ArrayList<>();
                for (Future<Verdict> f : pool.invokeAll(tasks)) {
                    verdicts.add(f.get());
                }
                assertThat(verdicts).filteredOn(v -> v == Verdict.ACCEPTED).hasSize(1);
                assertThat(verdicts).as("the others: copies of the tab's accepted entry").containsOnly(Verdict.ACCEPTED,
                        Verdict.TAB_PASSED);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    class WrongEntries {

        @Test
        void givenFiveWrongEntriesThenTheCodeDiesAndTheRightOneNoLongerWorks() {
            String code = issue();
            for (int i = 1; i <= 4; i++) {
                assertThat(codes.verify(TAB, wrong(code), USER, PHONE, 5, 300)).as("entry " + i).isEqualTo(Verdict.WRONG);
            }
            assertThat(codes.verify(TAB, wrong(code), USER, PHONE, 5, 300)).isEqualTo(Verdict.USED_UP);
            assertThat(codes.verify(TAB, code, USER, PHONE, 5, 300)).isEqualTo(Verdict.EXPIRED);
        }

        @Test
        void givenMalformedInputThenItIsAWrongEntry() {
            issue();
            for (String typed : List.of("12345", "1234567", "abcdef", "", "１２３４５６x")) {
                assertThat(codes.verify(TAB, typed, USER, PHONE, 10, 300)).as(typed).isEqualTo(Verdict.WRONG);
            }
        }

        @Test
        void givenAHundredParallelWrongEntriesThenNoneSucceedsAndTheCodeIsDead() throws Exception {
            String code = issue();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Callable<Verdict>> tasks = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    tasks.add(() -> codes.verify(TAB, wrong(code), USER, PHONE, 5, 300));
                }
                List<Verdict> verdicts = new ArrayList<>();
                for (Future<Verdict> f : pool.invokeAll(tasks)) {
                    verdicts.add(f.get());
                }
                assertThat(verdicts).doesNotContain(Verdict.ACCEPTED);
                assertThat(verdicts).filteredOn(v -> v == Verdict.WRONG).hasSizeLessThanOrEqualTo(4);
                assertThat(codes.verify(TAB, code, USER, PHONE, 5, 300)).isEqualTo(Verdict.EXPIRED);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
