package dev.switchboard.autoconfigure.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.switchboard.autoconfigure.client.rest.ServiceClientHttpServiceGroupConfigurer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.json.JsonParserFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the defaults that the configuration metadata shows for {@code switchboard.client-defaults.*} (declared in
 * the additional metadata, because the same class binds per-client entries, where an unset value means
 * "inherit") equal to the values a client gets when nothing is set.
 *
 * @author Switchboard
 */
class ClientDefaultsMetadataTests {

	private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

	@Test
	void metadataDefaultsAreTheBuiltInValues() throws IOException {
		Map<String, Object> defaults = clientDefaults();
		ClientSettings settings = new ServiceClientProperties(null, null).resolve("inventory");
		assertThat(defaults).containsEntry("load-balancer", settings.loadBalancer().toString())
			.containsEntry("protocol", settings.protocol().toString());
		assertThat(duration(defaults, "timeout.connect"))
			.isEqualTo(ServiceClientHttpServiceGroupConfigurer.DEFAULT_CONNECT_TIMEOUT);
		assertThat(duration(defaults, "timeout.read")).isEqualTo(ServiceClientHttpServiceGroupConfigurer.DEFAULT_READ_TIMEOUT);
		ClientSettings.RetrySettings retry = settings.retry();
		assertThat(number(defaults, "retry.max-attempts")).isEqualTo((double) retry.maxAttempts());
		assertThat(duration(defaults, "retry.backoff")).isEqualTo(retry.backoff());
		assertThat(number(defaults, "retry.multiplier")).isEqualTo((double) retry.multiplier());
		assertThat(duration(defaults, "retry.max-backoff")).isEqualTo(retry.maxBackoff());
		assertThat(defaults.get("retry.statuses")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
			.map((status) -> ((Number) status).intValue())
			.isEqualTo(retry.statuses());
		assertThat(number(defaults, "retry.budget.percent")).isEqualTo((double) retry.budgetPercent());
		assertThat(number(defaults, "retry.budget.min-per-second")).isEqualTo((double) retry.budgetMinPerSecond());
		assertThat(duration(defaults, "retry.budget.window")).isEqualTo(retry.budgetWindow());
		ClientSettings.OutlierSettings outlier = settings.outlier();
		assertThat(defaults).containsEntry("outlier.enabled", outlier.enabled());
		assertThat(number(defaults, "outlier.consecutive-failures")).isEqualTo((double) outlier.consecutiveFailures());
		assertThat(duration(defaults, "outlier.ejection")).isEqualTo(outlier.ejection());
		assertThat(duration(defaults, "outlier.max-ejection")).isEqualTo(outlier.maxEjection());
		assertThat(number(defaults, "outlier.max-ejected-percent")).isEqualTo((double) outlier.maxEjectedPercent());
		assertThat(defaults).containsEntry("hedge.enabled", settings.hedge().enabled());
		assertThat(number(defaults, "hedge.percentile")).isEqualTo((double) settings.hedge().percentile());
		ClientSettings.ResilienceSettings resilience = settings.resilience();
		assertThat(defaults).containsEntry("resilience.circuit-breaker", resilience.circuitBreaker())
			.containsEntry("resilience.bulkhead", resilience.bulkhead())
			.containsEntry("resilience.rate-limiter", resilience.rateLimiter())
			.containsEntry("resilience.time-limiter", resilience.timeLimiter());
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> clientDefaults() throws IOException {
		Map<String, Object> metadata = JsonParserFactory.getJsonParser()
			.parseMap(Files.readString(METADATA, StandardCharsets.UTF_8));
		Map<String, Object> defaults = new LinkedHashMap<>();
		for (Object item : (List<Object>) metadata.get("properties")) {
			Map<String, Object> property = (Map<String, Object>) item;
			String name = (String) property.get("name");
			if (name.startsWith("switchboard.client-defaults.") && property.containsKey("defaultValue")) {
				defaults.put(name.substring("switchboard.client-defaults.".length()), property.get("defaultValue"));
			}
		}
		return defaults;
	}

	private static Duration duration(Map<String, Object> defaults, String key) {
		return DurationStyle.detectAndParse((String) defaults.get(key));
	}

	private static double number(Map<String, Object> defaults, String key) {
		Object value = defaults.get(key);
		assertThat(value).as(key).isInstanceOf(Number.class);
		return ((Number) value).doubleValue();
	}

}
