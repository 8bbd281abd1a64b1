package dev.switchboard.autoconfigure.channel;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.switchboard.autoconfigure.channel.ChannelProperties.Binder;
import dev.switchboard.autoconfigure.channel.ChannelProperties.Channel;
import dev.switchboard.autoconfigure.channel.ChannelProperties.ChannelDefaults;
import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.core.channel.ChannelBinder;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ConsumerSettings;
import dev.switchboard.core.channel.RetrySettings;
import org.jspecify.annotations.Nullable;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.ClassUtils;

/**
 * Resolves each channel's effective {@link ChannelSettings} and {@link ChannelBinder}. Every configured channel
 * and the defaults are validated when the registry is created, so a bad property fails startup with an
 * {@link InvalidSwitchboardPropertyException} naming it.
 *
 * @author Switchboard
 */
public final class ChannelRegistry {

	private static final String DEFAULTS_PREFIX = "switchboard.channel-defaults.";

	private static final Log logger = LogFactory.getLog(ChannelRegistry.class);

	private final ChannelProperties properties;

	private final @Nullable String applicationName;

	private final String defaultGroup;

	/** The binder of channels that name none; {@code null} when both brokers are present and none was chosen. */
	private final @Nullable Binder defaultBinder;

	private final AtomicBoolean defaultBinderReported = new AtomicBoolean();

	private final Map<String, ChannelBinder> binders;

	private final @Nullable ClassLoader classLoader;

	private final Map<String, ChannelSettings> settings = new ConcurrentHashMap<>();

	/**
	 * Creates a registry and validates the configuration.
	 * @param properties the channel properties
	 * @param applicationName {@code spring.application.name}, the default consumer group, or {@code null}
	 * @param binders the available binders
	 * @param classLoader the class loader that tells which client libraries are present
	 */
	public ChannelRegistry(ChannelProperties properties, @Nullable String applicationName,
			Collection<? extends ChannelBinder> binders, @Nullable ClassLoader classLoader) {
		this.properties = properties;
		this.applicationName = (applicationName != null && !applicationName.isBlank()) ? applicationName : null;
		// Only the memory binder may fall back to a shared group: on a broker, applications that share a group
		// steal each other's messages (see requireGroupSource).
		this.defaultGroup = (this.applicationName != null) ? this.applicationName : "application";
		Map<String, ChannelBinder> byName = new LinkedHashMap<>();
		binders.forEach((binder) -> byName.putIfAbsent(binder.name(), binder));
		this.binders = byName;
		this.classLoader = classLoader;
		validateDefaults(properties.getChannelDefaults());
		this.defaultBinder = defaultBinder(properties.getChannelDefaults().getBinder());
		validateDeduplication(properties.getChannelDeduplication());
		properties.getChannels().forEach((name, channel) -> this.settings.put(name, resolve(name, channel)));
	}

	/**
	 * The settings of a channel, configured or not.
	 * @param channel the channel name
	 * @return the effective settings
	 */
	public ChannelSettings getSettings(String channel) {
		return this.settings.computeIfAbsent(channel, (name) -> resolve(name, null));
	}

	/**
	 * The binder of a channel.
	 * @param settings the channel's settings
	 * @return the binder
	 */
	public ChannelBinder getBinder(ChannelSettings settings) {
		ChannelBinder binder = this.binders.get(settings.binder().id());
		if (binder == null) {
			// Unreachable after validation; kept so a misuse cannot end in a NullPointerException.
			throw new IllegalStateException("No binder named '" + settings.binder().id() + "'");
		}
		return binder;
	}

	/**
	 * The channel properties this registry was built from.
	 * @return the properties
	 */
	public ChannelProperties getProperties() {
		return this.properties;
	}

	/**
	 * Whether a channel's listeners have a consumer group that names this application or was chosen:
	 * {@code spring.application.name}, the channel's group or the defaults' group.
	 * @param channel the channel name
	 * @return whether the group is more than the shared fallback
	 */
	public boolean hasGroupSource(String channel) {
		Channel configured = this.properties.getChannels().get(channel);
		return this.applicationName != null || this.properties.getChannelDefaults().getGroup() != null
				|| (configured != null && configured.getGroup() != null);
	}

	/**
	 * Fails when a listener on a broker channel would join the shared fallback group: every application started
	 * without {@code spring.application.name} would then share it, and each would receive only part of the
	 * messages meant for all of them.
	 * @param settings the channel's settings
	 * @param listenerGroup the group the listener itself names, or {@code null}
	 * @param listener the listener, for the report
	 * @throws InvalidSwitchboardPropertyException naming both properties that give a group
	 */
	public void requireGroupSource(ChannelSettings settings, @Nullable String listenerGroup, Object listener) {
		if (settings.binder() == Binder.MEMORY || listenerGroup != null || hasGroupSource(settings.channel())) {
			return;
		}
		String channelGroup = prefix(settings.channel()) + "group";
		throw new InvalidSwitchboardPropertyException(channelGroup, null, "listener " + listener + " on "
				+ settings.binder() + " channel '" + settings.channel() + "' has no consumer group: neither "
				+ "spring.application.name nor " + channelGroup + " (or " + DEFAULTS_PREFIX + "group) is set, and "
				+ "applications sharing a default group would steal each other's messages",
				"a consumer group name (or set spring.application.name instead)");
	}

	private @Nullable Binder defaultBinder(@Nullable Binder configured) {
		if (configured != null) {
			return configured;
		}
		// A broker's binder bean exists when its client library is on the class path (Boot then configures a
		// connection, to localhost by default): with a broker there, the memory binder would swallow messages
		// meant for it.
		boolean kafka = this.binders.containsKey(Binder.KAFKA.id());
		boolean rabbit = this.binders.containsKey(Binder.RABBIT.id());
		if (kafka && rabbit) {
			return null;
		}
		return kafka ? Binder.KAFKA : rabbit ? Binder.RABBIT : Binder.MEMORY;
	}

	/**
	 * The binder of a channel that names none. Resolved when a channel needs it (configured channels when the
	 * registry is created, publishers and listeners when they are parsed at startup), so that an application
	 * with both brokers on the class path and no channel still starts.
	 */
	private Binder requireDefaultBinder(String channel) {
		Binder binder = this.defaultBinder;
		if (binder == null) {
			throw new InvalidSwitchboardPropertyException(DEFAULTS_PREFIX + "binder", null,
					"both the kafka and the rabbit binder are present, so channel '" + channel
							+ "', which sets no binder, needs a default",
					Binder.allowedValues());
		}
		if (this.properties.getChannelDefaults().getBinder() == null && binder != Binder.MEMORY
				&& this.defaultBinderReported.compareAndSet(false, true)) {
			logger.info("Channels without a binder of their own use '" + binder + "', the only broker binder "
					+ "present (set " + DEFAULTS_PREFIX + "binder to choose another)");
		}
		return binder;
	}

	private void validateDefaults(ChannelDefaults defaults) {
		if (defaults.getBinder() != null) {
			checkBinder(defaults.getBinder(), DEFAULTS_PREFIX + "binder");
		}
		if (defaults.getGroup() != null) {
			checkName(defaults.getGroup(), DEFAULTS_PREFIX + "group");
		}
		ChannelDefaults.Retry retry = defaults.getRetry();
		checkMaxAttempts(retry.getMaxAttempts(), DEFAULTS_PREFIX + "retry.max-attempts");
		checkBackoff(retry.getBackoff(), DEFAULTS_PREFIX + "retry.backoff");
		checkMultiplier(retry.getMultiplier(), DEFAULTS_PREFIX + "retry.multiplier");
		checkMaxBackoff(retry.getMaxBackoff(), retry.getBackoff(), DEFAULTS_PREFIX + "retry.max-backoff");
		checkTimeout(defaults.getRequestTimeout(), DEFAULTS_PREFIX + "request-timeout");
		checkConcurrency(defaults.getConcurrency(), DEFAULTS_PREFIX + "concurrency");
	}

	private void validateDeduplication(ChannelProperties.Deduplication deduplication) {
		String prefix = "switchboard.channel-deduplication.";
		Duration window = deduplication.getWindow();
		if (window.isNegative() || window.isZero()) {
			throw new InvalidSwitchboardPropertyException(prefix + "window", window, "must be positive", null);
		}
		if (deduplication.getMaxEntries() < 1) {
			throw new InvalidSwitchboardPropertyException(prefix + "max-entries", deduplication.getMaxEntries(),
					"must be at least 1", null);
		}
	}

	private ChannelSettings resolve(String name, @Nullable Channel channel) {
		if (name.isBlank()) {
			throw new IllegalArgumentException("Channel name must not be blank");
		}
		String prefix = prefix(name);
		ChannelDefaults defaults = this.properties.getChannelDefaults();
		Binder binder = (channel != null && channel.getBinder() != null) ? channel.getBinder()
				: requireDefaultBinder(name);
		String destination = name;
		String group = (defaults.getGroup() != null) ? defaults.getGroup() : this.defaultGroup;
		Duration requestTimeout = defaults.getRequestTimeout();
		int concurrency = defaults.getConcurrency();
		boolean deadLetterEnabled = defaults.getDeadLetter().isEnabled();
		String deadLetterDestination = null;
		RetrySettings retry;
		if (channel == null) {
			ChannelDefaults.Retry defaultRetry = defaults.getRetry();
			retry = new RetrySettings(defaultRetry.getMaxAttempts(), defaultRetry.getBackoff(),
					defaultRetry.getMultiplier(), defaultRetry.getMaxBackoff(), defaultRetry.getMode());
		}
		else {
			if (channel.getBinder() != null) {
				checkBinder(binder, prefix + "binder");
			}
			if (channel.getDestination() != null) {
				destination = checkName(channel.getDestination(), prefix + "destination");
			}
			if (channel.getGroup() != null) {
				group = checkName(channel.getGroup(), prefix + "group");
			}
			if (channel.getRequestTimeout() != null) {
				requestTimeout = checkTimeout(channel.getRequestTimeout(), prefix + "request-timeout");
			}
			if (channel.getConcurrency() != null) {
				concurrency = checkConcurrency(channel.getConcurrency(), prefix + "concurrency");
			}
			Channel.DeadLetter deadLetter = channel.getDeadLetter();
			if (deadLetter != null) {
				if (deadLetter.getEnabled() != null) {
					deadLetterEnabled = deadLetter.getEnabled();
				}
				if (deadLetter.getDestination() != null) {
					deadLetterDestination = checkName(deadLetter.getDestination(), prefix + "dead-letter.destination");
					if (deadLetterDestination.equals(destination)) {
						throw new InvalidSwitchboardPropertyException(prefix + "dead-letter.destination",
								deadLetterDestination, "must differ from the channel's destination", null);
					}
				}
			}
			retry = resolveRetry(defaults.getRetry(), channel.getRetry(), prefix + "retry.");
		}
		checkRetryMode(retry.mode(), binder, name, (channel != null && channel.getRetry() != null
				&& channel.getRetry().getMode() != null) ? prefix + "retry.mode" : DEFAULTS_PREFIX + "retry.mode");
		ChannelDestination deadLetter = null;
		if (deadLetterEnabled) {
			deadLetter = new ChannelDestination(name,
					(deadLetterDestination != null) ? deadLetterDestination : destination + ".dlq");
		}
		return new ChannelSettings(name, binder, new ChannelDestination(name, destination), group,
				new ConsumerSettings(concurrency, retry, deadLetter), requestTimeout);
	}

	private RetrySettings resolveRetry(ChannelDefaults.Retry defaults, Channel.@Nullable Retry retry, String prefix) {
		if (retry == null) {
			return new RetrySettings(defaults.getMaxAttempts(), defaults.getBackoff(), defaults.getMultiplier(),
					defaults.getMaxBackoff(), defaults.getMode());
		}
		int maxAttempts = (retry.getMaxAttempts() != null)
				? checkMaxAttempts(retry.getMaxAttempts(), prefix + "max-attempts") : defaults.getMaxAttempts();
		Duration backoff = (retry.getBackoff() != null) ? checkBackoff(retry.getBackoff(), prefix + "backoff")
				: defaults.getBackoff();
		double multiplier = (retry.getMultiplier() != null)
				? checkMultiplier(retry.getMultiplier(), prefix + "multiplier") : defaults.getMultiplier();
		Duration maxBackoff = (retry.getMaxBackoff() != null) ? retry.getMaxBackoff() : defaults.getMaxBackoff();
		// Blame the property the channel set: a channel raising only backoff above the inherited maximum
		// must learn that it needs its own max-backoff.
		String maxBackoffProperty = (retry.getMaxBackoff() != null) ? prefix + "max-backoff" : prefix + "backoff";
		Object blamed = (retry.getMaxBackoff() != null) ? maxBackoff : backoff;
		if (maxBackoff.compareTo(backoff) < 0) {
			throw new InvalidSwitchboardPropertyException(maxBackoffProperty, blamed,
					"max-backoff (" + maxBackoff + ") must not be less than backoff (" + backoff + ")", null);
		}
		RetrySettings.Mode mode = (retry.getMode() != null) ? retry.getMode() : defaults.getMode();
		return new RetrySettings(maxAttempts, backoff, multiplier, maxBackoff, mode);
	}

	/**
	 * Retry topics exist on Kafka only: the memory and RabbitMQ binders would retry in place, so a channel that
	 * asked for non-blocking retries is refused rather than silently blocked.
	 */
	private static void checkRetryMode(RetrySettings.Mode mode, Binder binder, String channel, String property) {
		if (mode == RetrySettings.Mode.TOPICS && binder != Binder.KAFKA) {
			throw new InvalidSwitchboardPropertyException(property, "topics",
					"channel '" + channel + "' uses the " + binder.id() + " binder, and only the kafka binder "
							+ "supports retry topics: set 'blocking' or bind the channel to kafka",
					"blocking");
		}
	}

	private void checkBinder(Binder binder, String property) {
		if (this.binders.containsKey(binder.id())) {
			return;
		}
		String requiredClass = binder.requiredClass();
		if (requiredClass != null && !ClassUtils.isPresent(requiredClass, this.classLoader)) {
			throw new InvalidSwitchboardPropertyException(property, binder.id(), "binder '" + binder.id()
					+ "' needs its client library on the classpath: add the dependency " + binder.dependency(), null);
		}
		throw new InvalidSwitchboardPropertyException(property, binder.id(),
				"binder '" + binder.id() + "' has no ChannelBinder bean: its auto-configuration needs Spring Boot's "
						+ binder.id() + " auto-configuration (is one of them excluded?)",
				String.join(", ", this.binders.keySet()));
	}

	private static int checkMaxAttempts(int maxAttempts, String property) {
		if (maxAttempts < 1) {
			throw new InvalidSwitchboardPropertyException(property, maxAttempts,
					"must be at least 1 (1 means no retry)", null);
		}
		return maxAttempts;
	}

	private static Duration checkBackoff(Duration backoff, String property) {
		if (backoff.isNegative()) {
			throw new InvalidSwitchboardPropertyException(property, backoff, "must not be negative", null);
		}
		return backoff;
	}

	private static double checkMultiplier(double multiplier, String property) {
		if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
			throw new InvalidSwitchboardPropertyException(property, multiplier, "must be at least 1", null);
		}
		return multiplier;
	}

	private static void checkMaxBackoff(Duration maxBackoff, Duration backoff, String property) {
		if (maxBackoff.compareTo(backoff) < 0) {
			throw new InvalidSwitchboardPropertyException(property, maxBackoff,
					"must not be less than backoff (" + backoff + ")", null);
		}
	}

	private static Duration checkTimeout(Duration timeout, String property) {
		if (timeout.isNegative() || timeout.isZero()) {
			throw new InvalidSwitchboardPropertyException(property, timeout, "must be positive", null);
		}
		return timeout;
	}

	private static int checkConcurrency(int concurrency, String property) {
		if (concurrency < 1) {
			throw new InvalidSwitchboardPropertyException(property, concurrency, "must be at least 1", null);
		}
		return concurrency;
	}

	private static String checkName(String name, String property) {
		if (name.isBlank()) {
			throw new InvalidSwitchboardPropertyException(property, name, "must not be blank", null);
		}
		return name;
	}

	private static String prefix(String channel) {
		// A map key with dots must be written in brackets, and so it is named that way in errors.
		return (channel.indexOf('.') >= 0) ? "switchboard.channels[" + channel + "]."
				: "switchboard.channels." + channel + ".";
	}

	@Override
	public String toString() {
		return "ChannelRegistry[binders=" + this.binders.keySet() + ", channels=" + this.settings.keySet() + "]";
	}

}
