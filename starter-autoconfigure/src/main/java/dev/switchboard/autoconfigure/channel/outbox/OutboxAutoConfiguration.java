package dev.switchboard.autoconfigure.channel.outbox;

import java.time.Clock;

import javax.sql.DataSource;

import dev.switchboard.autoconfigure.channel.ChannelAutoConfiguration;
import dev.switchboard.autoconfigure.channel.ChannelRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Auto-configuration of the transactional outbox, active when a channel sets {@code outbox.enabled} and the
 * application has one DataSource: the writer that stores messages in the caller's transaction, the relay that
 * sends them after commit, the cleanup, the backlog gauges and the schema initializer.
 *
 * @author Switchboard
 */
@AutoConfiguration(after = ChannelAutoConfiguration.class,
		afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnClass({ JdbcTemplate.class, DataSourceScriptDatabaseInitializer.class })
@ConditionalOnSingleCandidate(DataSource.class)
@Conditional(OnOutboxEnabledCondition.class)
@EnableConfigurationProperties(OutboxProperties.class)
public final class OutboxAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OutboxSchemaInitializer outboxSchemaInitializer(DataSource dataSource, OutboxProperties properties) {
		return new OutboxSchemaInitializer(dataSource, properties.getInitializeSchema());
	}

	@Bean
	@ConditionalOnMissingBean
	JdbcOutboxRepository jdbcOutboxRepository(DataSource dataSource, ObjectProvider<JsonMapper> jsonMapper) {
		return new JdbcOutboxRepository(new JdbcTemplate(dataSource), jsonMapper.getIfAvailable(JsonMapper::shared));
	}

	@Bean
	@DependsOnDatabaseInitialization
	OutboxBacklog outboxBacklog(JdbcOutboxRepository repository, ChannelRegistry registry) {
		return new OutboxBacklog(repository, Clock.systemUTC(),
				new OutboxChannels(registry.getProperties()).configuredChannels());
	}

	@Bean
	@DependsOnDatabaseInitialization
	OutboxScheduler outboxScheduler(JdbcOutboxRepository repository, OutboxBacklog backlog, DataSource dataSource,
			ChannelRegistry registry, OutboxProperties properties, ObjectProvider<ObservationRegistry> observations) {
		return new OutboxScheduler(relay(repository, dataSource, registry, properties, observations), backlog,
				repository, properties, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	OutboxWriter outboxWriter(ChannelRegistry registry, DataSource dataSource, JdbcOutboxRepository repository,
			OutboxScheduler scheduler, OutboxBacklog backlog) {
		return new OutboxWriter(new OutboxChannels(registry.getProperties()), dataSource, repository, scheduler,
				Clock.systemUTC(), backlog);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class OutboxMetersConfiguration {

		@Bean
		OutboxMeters outboxMeters(OutboxBacklog backlog) {
			return new OutboxMeters(backlog);
		}

	}

	private static @Nullable OutboxRelay relay(JdbcOutboxRepository repository, DataSource dataSource,
			ChannelRegistry registry, OutboxProperties properties, ObjectProvider<ObservationRegistry> observations) {
		OutboxProperties.Relay relay = properties.getRelay();
		if (!relay.isEnabled()) {
			return null;
		}
		ExponentialBackOff backOff = new ExponentialBackOff(relay.getBackoff().toMillis(), relay.getMultiplier());
		backOff.setMaxInterval(relay.getMaxBackoff().toMillis());
		// A transaction manager of the relay's own: the application's may be a JPA or JTA one, and the relay's
		// short batches touch nothing but the outbox table.
		TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		return new OutboxRelay(repository, transactions, registry, relay.getBatchSize(), backOff,
				observations.getIfAvailable(() -> ObservationRegistry.NOOP), Clock.systemUTC());
	}

}
