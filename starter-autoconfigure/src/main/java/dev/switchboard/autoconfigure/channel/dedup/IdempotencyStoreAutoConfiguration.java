package dev.switchboard.autoconfigure.channel.dedup;

import java.time.Clock;
import java.time.Duration;

import javax.sql.DataSource;

import dev.switchboard.autoconfigure.channel.ChannelAutoConfiguration;
import dev.switchboard.autoconfigure.channel.ChannelProperties;
import dev.switchboard.autoconfigure.channel.ChannelRegistry;
import dev.switchboard.autoconfigure.channel.dedup.IdempotencyStoreProperties.StoreType;
import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.autoconfigure.diagnostics.PropertyChecks;
import dev.switchboard.core.channel.DeduplicationListener;
import dev.switchboard.core.channel.IdempotencyStore;
import dev.switchboard.core.channel.IdempotentConsumer;
import dev.switchboard.core.channel.InMemoryIdempotencyStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.init.PropertiesBasedDataSourceScriptDatabaseInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of duplicate suppression for {@code @ChannelListener}s: the {@link IdempotencyStore} chosen
 * by {@code switchboard.channel-deduplication.store} (memory, jdbc on the application's {@link DataSource}, redis
 * on Boot's {@link StringRedisTemplate}) and the {@link IdempotentConsumer} policy every listener runs through.
 * An application's own {@link IdempotencyStore} bean replaces the chosen one.
 *
 * @author Switchboard
 */
@AutoConfiguration(before = ChannelAutoConfiguration.class,
		afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				"org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
				"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "switchboard.channel-deduplication.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ ChannelProperties.class, IdempotencyStoreProperties.class })
public final class IdempotencyStoreAutoConfiguration {

	private static final String STORE_PROPERTY = IdempotencyStoreProperties.PREFIX + ".store";

	@Bean
	@ConditionalOnMissingBean(IdempotencyStore.class)
	@ConditionalOnProperty(name = STORE_PROPERTY, havingValue = "memory", matchIfMissing = true)
	InMemoryIdempotencyStore inMemoryIdempotencyStore(ChannelRegistry registry) {
		return new InMemoryIdempotencyStore(registry.getProperties().getChannelDeduplication().getMaxEntries(),
				retention(registry));
	}

	@Bean
	@ConditionalOnMissingBean
	IdempotentConsumer idempotentConsumer(ObjectProvider<IdempotencyStore> store, ChannelRegistry registry,
			IdempotencyStoreProperties storeProperties, ObjectProvider<DeduplicationListener> listener,
			ResourceLoader resourceLoader) {
		// Through the registry, which has validated the window and the size bound.
		ChannelProperties.Deduplication deduplication = registry.getProperties().getChannelDeduplication();
		IdempotencyStore chosen = store.getIfAvailable();
		if (chosen == null) {
			throw missingStore(storeProperties.getStore(), resourceLoader.getClassLoader());
		}
		return new IdempotentConsumer(chosen, storeProperties.getClaimTimeout(), deduplication.getWindow(),
				Clock.systemUTC(), listener.getIfAvailable(() -> DeduplicationListener.NONE));
	}

	/**
	 * How long a lapsed claim stays recognisable: as long as a processed message is remembered. Every store bean
	 * reads the settings through the registry, which has validated them (a bad window fails naming its property).
	 */
	static Duration retention(ChannelRegistry registry) {
		return registry.getProperties().getChannelDeduplication().getWindow();
	}

	private static InvalidSwitchboardPropertyException missingStore(StoreType type,
			@Nullable ClassLoader classLoader) {
		String requiredClass = type.requiredClass();
		if (requiredClass != null && !ClassUtils.isPresent(requiredClass, classLoader)) {
			return new InvalidSwitchboardPropertyException(STORE_PROPERTY, type.id(),
					"needs " + type.dependency() + " on the class path; add it, or choose another store", "memory, jdbc, redis");
		}
		if (type == StoreType.JDBC) {
			return new InvalidSwitchboardPropertyException(STORE_PROPERTY, type.id(),
					"needs a DataSource bean and there is none; configure spring.datasource.url (or declare a DataSource), "
							+ "or choose another store",
					"memory, jdbc, redis");
		}
		return new InvalidSwitchboardPropertyException(STORE_PROPERTY, type.id(),
				"found no IdempotencyStore bean for it", "memory, jdbc, redis");
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(DeduplicationListener.class)
		MicrometerDeduplicationListener micrometerDeduplicationListener(ObjectProvider<MeterRegistry> meterRegistry,
				ObjectProvider<IdempotencyStore> store) {
			return new MicrometerDeduplicationListener(meterRegistry, store);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ JdbcTemplate.class, PropertiesBasedDataSourceScriptDatabaseInitializer.class })
	@ConditionalOnProperty(name = STORE_PROPERTY, havingValue = "jdbc")
	@EnableConfigurationProperties(JdbcIdempotencyStoreProperties.class)
	static class JdbcStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean(IdempotencyStore.class)
		@ConditionalOnBean(DataSource.class)
		JdbcIdempotencyStore jdbcIdempotencyStore(DataSource dataSource, ObjectProvider<JdbcTemplate> jdbcTemplate,
				ChannelRegistry registry) {
			return new JdbcIdempotencyStore(jdbcTemplate.getIfAvailable(() -> new JdbcTemplate(dataSource)),
					retention(registry));
		}

		@Bean
		@ConditionalOnMissingBean(name = "switchboardIdempotencyStoreInitializer")
		@ConditionalOnBean(DataSource.class)
		PropertiesBasedDataSourceScriptDatabaseInitializer<JdbcIdempotencyStoreProperties> switchboardIdempotencyStoreInitializer(
				DataSource dataSource, JdbcIdempotencyStoreProperties properties) {
			return new PropertiesBasedDataSourceScriptDatabaseInitializer<>(dataSource, properties);
		}

		@Bean
		@ConditionalOnBean(JdbcIdempotencyStore.class)
		JdbcIdempotencyStoreCleanup jdbcIdempotencyStoreCleanup(JdbcIdempotencyStore store,
				JdbcIdempotencyStoreProperties properties, ChannelRegistry registry) {
			PropertyChecks.positive(IdempotencyStoreProperties.PREFIX + ".jdbc.cleanup-interval",
					properties.getCleanupInterval());
			return new JdbcIdempotencyStoreCleanup(store, properties.getCleanupInterval(),
					registry.getProperties().getChannelDeduplication().getMaxEntries(), Clock.systemUTC());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(StringRedisTemplate.class)
	@ConditionalOnProperty(name = STORE_PROPERTY, havingValue = "redis")
	static class RedisStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean(IdempotencyStore.class)
		@ConditionalOnBean(StringRedisTemplate.class)
		RedisIdempotencyStore redisIdempotencyStore(StringRedisTemplate redis,
				IdempotencyStoreProperties storeProperties, ChannelRegistry registry) {
			return new RedisIdempotencyStore(redis, storeProperties.getRedisKeyPrefix(), retention(registry));
		}

	}

}
