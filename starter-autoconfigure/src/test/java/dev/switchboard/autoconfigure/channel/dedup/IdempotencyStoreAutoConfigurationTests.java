package dev.switchboard.autoconfigure.channel.dedup;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import dev.switchboard.autoconfigure.channel.ChannelAutoConfiguration;
import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.core.channel.ClaimResult;
import dev.switchboard.core.channel.IdempotencyStore;
import dev.switchboard.core.channel.IdempotentConsumer;
import dev.switchboard.core.channel.InMemoryIdempotencyStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link IdempotencyStoreAutoConfiguration}.
 *
 * @author Switchboard
 */
class IdempotencyStoreAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, ChannelAutoConfiguration.class,
				IdempotencyStoreAutoConfiguration.class));

	@Test
	void memoryStoreByDefaultWithTheWindowAndClaimTimeout() {
		this.contextRunner.withPropertyValues("switchboard.channel-deduplication.window=3m").run((context) -> {
			assertThat(context).hasSingleBean(InMemoryIdempotencyStore.class);
			IdempotentConsumer policy = context.getBean(IdempotentConsumer.class);
			assertThat(policy.getWindow()).isEqualTo(Duration.ofMinutes(3));
			assertThat(policy.getClaimTimeout()).isEqualTo(Duration.ofMinutes(2));
			assertThat(policy.getStore().type()).isEqualTo("memory");
		});
	}

	@Test
	void nothingWhenDeduplicationIsDisabled() {
		this.contextRunner.withPropertyValues("switchboard.channel-deduplication.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(IdempotencyStore.class);
			assertThat(context).doesNotHaveBean(IdempotentConsumer.class);
		});
	}

	@Test
	void jdbcStoreOnTheApplicationsDataSourceWithItsSchemaCreatedInAnEmbeddedDatabase() {
		this.contextRunner
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class))
			.withPropertyValues("switchboard.channel-deduplication.store=jdbc",
					"switchboard.channel-deduplication.claim-timeout=45s",
					"spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID())
			.run((context) -> {
				assertThat(context).hasSingleBean(JdbcIdempotencyStore.class);
				assertThat(context).hasSingleBean(JdbcIdempotencyStoreCleanup.class);
				IdempotentConsumer policy = context.getBean(IdempotentConsumer.class);
				assertThat(policy.getClaimTimeout()).isEqualTo(Duration.ofSeconds(45));
				Instant now = Instant.now();
				assertThat(policy.getStore().claim("orders/a", "m1", "t", now, now.plusSeconds(45)))
					.isEqualTo(ClaimResult.claimed());
				assertThat(context.getBean(JdbcTemplate.class)
					.queryForObject("SELECT count(*) FROM switchboard_idempotency", Integer.class)).isEqualTo(1);
			});
	}

	@Test
	void jdbcSchemaIsLeftAloneWhenToldNever() {
		this.contextRunner
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class))
			.withPropertyValues("switchboard.channel-deduplication.store=jdbc",
					"switchboard.channel-deduplication.jdbc.initialize-schema=never",
					"spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID())
			.run((context) -> assertThat(context.getBean(JdbcTemplate.class)
				.queryForObject("SELECT count(*) FROM information_schema.tables WHERE table_name = 'SWITCHBOARD_IDEMPOTENCY'",
						Integer.class))
				.isZero());
	}

	@Test
	void jdbcStoreWithoutADataSourceFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.channel-deduplication.store=jdbc").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidSwitchboardPropertyException.class)
				.hasMessageContaining("'switchboard.channel-deduplication.store'")
				.hasMessageContaining("needs a DataSource bean")
				.hasMessageContaining("spring.datasource.url");
		});
	}

	@Test
	void jdbcStoreWithoutSpringJdbcFailsNamingTheDependency() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(JdbcTemplate.class))
			.withPropertyValues("switchboard.channel-deduplication.store=jdbc")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("'switchboard.channel-deduplication.store'")
				.hasMessageContaining("spring-boot-starter-jdbc"));
	}

	@Test
	void redisStoreOnBootsRedisConnection() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("switchboard.channel-deduplication.store=redis",
					"switchboard.channel-deduplication.redis-key-prefix=switchboard-test:autoconfig:",
					"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=6379")
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisIdempotencyStore.class);
				IdempotencyStore store = context.getBean(IdempotentConsumer.class).getStore();
				Instant now = Instant.now();
				String id = UUID.randomUUID().toString();
				assertThat(store.claim("orders/a", id, "t", now, now.plusSeconds(30))).isEqualTo(ClaimResult.claimed());
				StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
				assertThat(redis.hasKey("switchboard-test:autoconfig:orders/a:" + id)).isTrue();
				redis.delete("switchboard-test:autoconfig:orders/a:" + id);
			});
	}

	@Test
	void nonPositiveClaimTimeoutFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.channel-deduplication.claim-timeout=0s")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidSwitchboardPropertyException.class)
				.hasMessageContaining("'switchboard.channel-deduplication.claim-timeout'"));
	}

	@Test
	void badMaxEntriesFailsNamingThePropertyBeforeAnyStoreIsBuilt() {
		this.contextRunner.withPropertyValues("switchboard.channel-deduplication.max-entries=0")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidSwitchboardPropertyException.class)
				.hasMessageContaining("'switchboard.channel-deduplication.max-entries'"));
	}

	@Test
	void applicationsOwnStoreReplacesTheChosenOne() {
		this.contextRunner.withBean("myStore", IdempotencyStore.class, () -> new InMemoryIdempotencyStore(5, Duration.ZERO))
			.withPropertyValues("switchboard.channel-deduplication.store=jdbc")
			.run((context) -> assertThat(context.getBean(IdempotentConsumer.class).getStore())
				.isSameAs(context.getBean("myStore")));
	}

	@Test
	void decisionsAreCountedPerOutcomeScopeAndStore() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			IdempotentConsumer policy = context.getBean(IdempotentConsumer.class);
			dev.switchboard.core.channel.Message message = dev.switchboard.core.channel.Message.builder("{}")
				.id("m1")
				.build();
			dev.switchboard.core.channel.MessageContext delivery = new dev.switchboard.core.channel.MessageContext(
					dev.switchboard.core.channel.ChannelDestination.of("orders"), "billing", message, 1);
			var handler = policy.wrap((m, c) -> null);
			handler.handle(message, delivery);
			handler.handle(message, delivery);
			handler.handle(message, delivery);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get(MicrometerDeduplicationListener.METER)
				.tags("outcome", "claimed", "scope", "orders/billing", "store", "memory")
				.counter()
				.count()).isEqualTo(1);
			assertThat(registry.get(MicrometerDeduplicationListener.METER).tags("outcome", "duplicate").counter().count())
				.isEqualTo(2);
		});
	}

}
