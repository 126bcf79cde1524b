package com.ocq.keycloak.bench;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;

/** One phase of the benchmark: the populations {@link Bench} put in {@link #plan} before starting Gatling. */
public class BenchSimulation extends Simulation {

    /**
     * A population (its chain built here: Gatling's DSL only works inside a simulation): {@code users} virtual users at once, each running {@code chain} {@code iterations}
     * times; or, with {@code perSecond} > 0, one flow per new user at that rate for {@code duration}.
     */
    record Population(String name, Supplier<ChainBuilder> chain, int users, int iterations, double perSecond, Duration duration) {
        static Population closed(String name, Supplier<ChainBuilder> chain, int users, int iterations) {
            return new Population(name, chain, users, iterations, 0, null);
        }

        static Population open(String name, Supplier<ChainBuilder> chain, double perSecond, Duration duration) {
            return new Population(name, chain, 0, 1, perSecond, duration);
        }
    }

    static volatile String baseUrl;
    static volatile List<Population> plan = List.of();

    public BenchSimulation() {
        var protocol = http.baseUrl(baseUrl).disableWarmUp().disableCaching()
                .userAgentHeader("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
                .acceptHeader("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8").acceptLanguageHeader("zh-CN,zh;q=0.9");
        List<PopulationBuilder> populations = plan.stream().map(p -> {
            var scenario = scenario(p.name()).repeat(p.iterations()).on(p.chain().get());
            return p.perSecond() > 0 ? scenario.injectOpen(constantUsersPerSec(p.perSecond()).during(p.duration()))
                    : scenario.injectOpen(atOnceUsers(p.users()));
        }).toList();
        setUp(populations).protocols(protocol);
    }
}
