package dev.switchboard.autoconfigure.discovery.etcd;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;

import org.springframework.context.SmartLifecycle;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Registers this application's instance in etcd under a lease that jetcd keeps alive, and revokes the lease on
 * graceful shutdown, which deletes the key at once. An application that dies stops renewing the lease and etcd
 * deletes its key after {@code switchboard.discovery.etcd.lease-ttl}.
 * <p>
 * Registration runs in the background, so that an etcd that is down or hangs never delays startup: the first
 * attempt starts with the application, failures are logged and retried with an exponential back-off (at most
 * every 5 s). When the lease is lost (etcd was down for longer than its TTL, or its keep-alive stream failed)
 * the instance registers again under a new lease. Every etcd call waits at most
 * {@code switchboard.discovery.etcd.call-timeout}, and shutdown waits at most twice that.
 * <p>
 * Written here rather than on Spring Cloud's {@code AbstractAutoServiceRegistration}, which registers on the web
 * server's start only, synchronously, and has no notion of leases.
 *
 * @author Switchboard
 */
public final class EtcdServiceRegistration implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(EtcdServiceRegistration.class);

	private final Client client;

	private final EtcdKeyLayout layout;

	private final EtcdDiscoveryProperties properties;

	private final EtcdCalls calls;

	private final Supplier<@Nullable Instance> instance;

	private final ScheduledExecutorService executor = Executors
		.newSingleThreadScheduledExecutor(EtcdRegistryWatch.daemon("switchboard-etcd-registration"));

	private volatile boolean running;

	// Owned by the executor's thread.
	private volatile @Nullable Registered registered;

	private volatile @Nullable String lastError;

	private volatile boolean registering;

	private @Nullable BackOffExecution retries;

	/**
	 * Creates the registration.
	 * @param client the jetcd client
	 * @param layout where instances live
	 * @param properties the etcd settings
	 * @param instance the instance to register, resolved when the application starts (the web server's port is
	 * known only then); {@code null} means there is nothing to register
	 */
	public EtcdServiceRegistration(Client client, EtcdKeyLayout layout, EtcdDiscoveryProperties properties,
			Supplier<@Nullable Instance> instance) {
		this.client = client;
		this.layout = layout;
		this.properties = properties;
		this.calls = new EtcdCalls(properties.getEndpointUris(), properties.getCallTimeout());
		this.instance = instance;
	}

	@Override
	public void start() {
		Instance toRegister = this.instance.get();
		this.running = true;
		if (toRegister == null) {
			logger.info("Not registering in etcd: no port to register (no web server and no switchboard.registration.port)");
			return;
		}
		this.registering = true;
		submit(() -> register(toRegister), 0);
	}

	/**
	 * Deregisters: revokes the lease, which deletes the key. Waits at most twice the call timeout.
	 */
	@Override
	public void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		try {
			Future<?> done = this.executor.submit(this::deregister);
			done.get(this.calls.timeout().toMillis() * 2, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException | ExecutionException ex) {
			logger.warn("Deregistration from etcd failed; the key expires with its lease", ex);
		}
		catch (TimeoutException ex) {
			logger.warn("Deregistration from etcd did not finish in time; the key expires with its lease");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	// Stops before the web server's graceful shutdown (lower phases), so that callers stop picking this instance
	// while it still serves.
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

	/**
	 * Whether this application has an instance to register (a port is known) and is not stopped.
	 * @return {@code true} while registered or trying to register
	 */
	public boolean isRegistering() {
		return this.registering && this.running;
	}

	/**
	 * Why the most recent registration attempt failed, while the instance is not registered.
	 * @return the error message, or {@code null} when registered or not tried yet
	 */
	public @Nullable String lastError() {
		return this.lastError;
	}

	/**
	 * The time to live of the registration's lease.
	 * @return the lease TTL
	 */
	public Duration leaseTtl() {
		return this.properties.getLeaseTtl();
	}

	/**
	 * The key this instance is registered under, once registered.
	 * @return the key, or {@code null} while not registered
	 */
	public @Nullable String registeredKey() {
		Registered current = this.registered;
		return (current != null) ? current.key() : null;
	}

	private void register(Instance instance) {
		if (!this.running) {
			return;
		}
		String key = this.layout.instanceKey(instance.serviceId(), instance.instanceId());
		long lease = 0;
		try {
			lease = this.calls.await(this.client.getLeaseClient().grant(this.properties.getLeaseTtl().toSeconds()),
					"Granting the registration lease of " + key).getID();
			String value = EtcdKeyLayout.value(instance.host(), instance.port(), instance.secure(), instance.metadata().get());
			this.calls.await(this.client.getKVClient()
				.put(EtcdKeyLayout.bytes(key), EtcdKeyLayout.bytes(value), PutOption.builder().withLeaseId(lease).build()),
					"Registering " + key);
			long grantedLease = lease;
			CloseableClient keepAlive = this.client.getLeaseClient().keepAlive(lease, new KeepAliveObserver(instance, grantedLease));
			Registered previous = this.registered;
			this.registered = new Registered(key, lease, keepAlive);
			this.lastError = null;
			this.retries = null;
			if (previous != null) {
				previous.keepAlive().close();
			}
			logger.info("Registered " + key + " in etcd under lease " + Long.toHexString(lease) + " (TTL "
					+ this.properties.getLeaseTtl().toSeconds() + " s)");
		}
		catch (RuntimeException ex) {
			if (lease != 0) {
				revokeQuietly(lease);
			}
			if (this.retries == null) {
				this.retries = retryBackOff().start();
			}
			long delay = this.retries.nextBackOff();
			this.lastError = ex.getMessage();
			logger.warn("Could not register " + key + " in etcd, trying again in " + delay + " ms: " + ex.getMessage());
			submit(() -> register(instance), delay);
		}
	}

	private void leaseLost(Instance instance, long lease, @Nullable Throwable error) {
		Registered current = this.registered;
		if (!this.running || current == null || current.lease() != lease) {
			return;
		}
		logger.warn("The etcd lease of " + current.key() + " was lost, registering again"
				+ ((error != null) ? ": " + error : ""));
		current.keepAlive().close();
		this.registered = null;
		register(instance);
	}

	private void deregister() {
		Registered current = this.registered;
		this.registered = null;
		if (current == null) {
			return;
		}
		current.keepAlive().close();
		try {
			this.calls.await(this.client.getLeaseClient().revoke(current.lease()), "Deregistering " + current.key());
			logger.info("Deregistered " + current.key() + " from etcd");
		}
		catch (RuntimeException ex) {
			logger.warn(ex.getMessage() + "; the key expires with its lease in at most "
					+ this.properties.getLeaseTtl().toSeconds() + " s");
		}
	}

	private void revokeQuietly(long lease) {
		try {
			this.calls.await(this.client.getLeaseClient().revoke(lease), "Revoking an unused lease");
		}
		catch (RuntimeException ex) {
			// It expires by itself.
		}
	}

	private ExponentialBackOff retryBackOff() {
		ExponentialBackOff backOff = new ExponentialBackOff(500, 2);
		backOff.setMaxInterval(5000);
		return backOff;
	}

	private void submit(Runnable task, long delayMillis) {
		try {
			this.executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Stopped meanwhile.
		}
	}

	/**
	 * An instance to register.
	 *
	 * @param serviceId the service id
	 * @param instanceId the instance id, the last segment of the key
	 * @param host the host or IP address callers use
	 * @param port the port callers use
	 * @param secure whether callers use https
	 * @param metadata the metadata, read at each registration (contributors know some entries only late)
	 */
	public record Instance(String serviceId, String instanceId, String host, int port, boolean secure,
			Supplier<Map<String, String>> metadata) {
	}

	private record Registered(String key, long lease, CloseableClient keepAlive) {
	}

	/**
	 * Told by jetcd about every renewal; an error or an end means the lease is no longer renewed.
	 */
	private final class KeepAliveObserver implements StreamObserver<LeaseKeepAliveResponse> {

		private final Instance instance;

		private final long lease;

		KeepAliveObserver(Instance instance, long lease) {
			this.instance = instance;
			this.lease = lease;
		}

		@Override
		public void onNext(LeaseKeepAliveResponse response) {
			if (response.getTTL() <= 0) {
				onError(null);
			}
		}

		@Override
		public void onError(@Nullable Throwable error) {
			submit(() -> leaseLost(this.instance, this.lease, error), 0);
		}

		@Override
		public void onCompleted() {
			onError(null);
		}

	}

}
