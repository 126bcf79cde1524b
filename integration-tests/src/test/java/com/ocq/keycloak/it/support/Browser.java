package com.ocq.keycloak.it.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven by Debian's chromedriver (explicit paths, so Selenium never
 * tries to download a driver), with a fresh profile per browser.
 */
public final class Browser implements AutoCloseable {

    public static final String CHROMIUM = System.getProperty("ocq.chromium", "/usr/bin/chromium");
    public static final String CHROMEDRIVER = System.getProperty("ocq.chromedriver", "/usr/bin/chromedriver");

    private final WebDriver driver;
    private final Path profile;

    public Browser(String language, int width, int height) {
        for (String exe : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!new File(exe).canExecute()) {
                throw new IllegalStateException(exe + " is missing: the test command installs Debian's chromium and chromium-driver");
            }
        }
        try {
            profile = Files.createTempDirectory("ocq-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
                "--disable-quic", "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
                "--lang=" + language);
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", language));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    public WebDriver driver() {
        return driver;
    }

    /**
     * Sets the page's viewport to exactly {@code width}×{@code height} CSS pixels (the window size
     * includes no browser chrome in headless mode, but this makes it exact); {@code mobile} makes
     * Chromium honour the page's viewport meta tag as a phone does.
     */
    public Browser viewport(int width, int height, boolean mobile) {
        ((ChromeDriver) driver).executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
        return this;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> walk = Files.walk(profile)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a leftover temporary profile is harmless
            }
        }
    }
}
