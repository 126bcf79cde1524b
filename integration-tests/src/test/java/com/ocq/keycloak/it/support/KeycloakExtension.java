package com.ocq.keycloak.it.support;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Starts one Keycloak for the whole test run (the first test class that needs it starts it; JUnit
 * closes it when the run ends), hands it to tests as a {@link KeycloakRuntime} parameter, and
 * prints the server log's tail under every failure.
 */
public final class KeycloakExtension implements BeforeAllCallback, ParameterResolver, TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KeycloakExtension.class);
    private static final int LOG_LINES_ON_FAILURE = 80;
    private static final int MAX_MESSAGE = 1600;

    /** The shared server, or why it could not start (remembered so it is not retried per class). */
    private static final class Shared implements AutoCloseable {
        private final KeycloakRuntime runtime;
        private final RuntimeException failure;
        private final ServerSetup setup;

        Shared() {
            KeycloakRuntime started = null;
            RuntimeException failed = null;
            boolean containers = "testcontainers".equals(ItConfig.runtime());
            setup = containers ? ServerSetup.start("host.testcontainers.internal")
                    : ServerSetup.start("127.0.0.1", ItConfig.outputDir().resolve("vault"));
            try {
                started = containers ? new ContainerRuntime(setup) : new DistributionRuntime(setup);
                RealmSettings.forTests(started.admin().realm(ItConfig.REALM));
            } catch (RuntimeException e) {
                failed = e;
            }
            runtime = started;
            failure = failed;
        }

        KeycloakRuntime get() {
            if (failure instanceof TestAbortedException aborted) {
                throw new TestAbortedException(aborted.getMessage());
            }
            if (failure != null) {
                throw new IllegalStateException("Keycloak could not start", failure);
            }
            return runtime;
        }

        @Override
        public void close() {
            if (runtime != null) {
                runtime.close();
            }
            setup.gateway().close();
        }
    }

    private static Shared shared(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Shared.class, k -> new Shared(), Shared.class);
    }

    public static KeycloakRuntime runtime(ExtensionContext context) {
        return shared(context).get();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        runtime(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == KeycloakRuntime.class || type == ServerSetup.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        KeycloakRuntime runtime = runtime(extensionContext);
        return parameterContext.getParameter().getType() == ServerSetup.class ? shared(extensionContext).setup : runtime;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        reportLog(context, throwable);
        throw shortened(context, throwable);
    }

    /**
     * An assertion about a whole page prints the page; the build's summary then shows a screenful
     * of HTML and the failing test's name scrolls out of a CI log's tail. Such a message is kept
     * whole in {@code it-output/failures/} and shortened in the summary.
     */
    private static Throwable shortened(ExtensionContext context, Throwable throwable) {
        String message = throwable.getMessage();
        if (!(throwable instanceof AssertionError) || message == null || message.length() <= MAX_MESSAGE) {
            return throwable;
        }
        String name = context.getRequiredTestClass().getName() + "." + context.getRequiredTestMethod().getName();
        java.nio.file.Path file = ItConfig.outputDir().resolve("failures").resolve(name + "-" + System.nanoTime() + ".txt");
        try {
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.writeString(file, message, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            file = null;
        }
        AssertionError shorter = new AssertionError(message.substring(0, MAX_MESSAGE / 2) + "\n[... " + (message.length() - MAX_MESSAGE)
                + " characters; whole message in " + file + " ...]\n" + message.substring(message.length() - MAX_MESSAGE / 2), throwable);
        shorter.setStackTrace(throwable.getStackTrace());
        return shorter;
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        reportLog(context, throwable);
        throw throwable;
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        reportLog(context, throwable);
        throw throwable;
    }

    private static void reportLog(ExtensionContext context, Throwable throwable) {
        if (throwable instanceof TestAbortedException) {
            return;
        }
        Shared shared = context.getRoot().getStore(NAMESPACE).get(Shared.class, Shared.class);
        if (shared != null && shared.runtime != null) {
            System.err.printf("%n===== %s failed; last %d lines of the Keycloak server log =====%n%s%n===== end of server log =====%n",
                    context.getDisplayName(), LOG_LINES_ON_FAILURE, shared.runtime.logTail(LOG_LINES_ON_FAILURE));
        }
    }
}
