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

    /** The shared server, or why it could not start (remembered so it is not retried per class). */
    private static final class Shared implements AutoCloseable {
        private final KeycloakRuntime runtime;
        private final RuntimeException failure;

        Shared() {
            KeycloakRuntime started = null;
            RuntimeException failed = null;
            try {
                started = "testcontainers".equals(ItConfig.runtime()) ? new ContainerRuntime() : new DistributionRuntime();
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
        }
    }

    public static KeycloakRuntime runtime(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Shared.class, k -> new Shared(), Shared.class).get();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        runtime(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == KeycloakRuntime.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return runtime(extensionContext);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        reportLog(context, throwable);
        throw throwable;
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
