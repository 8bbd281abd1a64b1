package dev.switchboard.autoconfigure.discovery.etcd;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * A {@link DiscoveryClient} reading instances from etcd under the {@link EtcdKeyLayout}. Every lookup is one
 * range read with a deadline; it throws when etcd fails or does not answer, so that Switchboard's cache keeps
 * the last known instances and reports the outage. Changes reach the cache through {@link EtcdRegistryWatch},
 * which makes the cache read again as soon as a key under the prefix changes.
 *
 * @author Switchboard
 */
public final class EtcdDiscoveryClient implements DiscoveryClient {

	private static final GetOption PREFIX_READ = GetOption.builder().isPrefix(true).build();

	private static final GetOption PREFIX_KEYS = GetOption.builder().isPrefix(true).withKeysOnly(true).build();

	private final KV kv;

	private final EtcdKeyLayout layout;

	private final EtcdCalls calls;

	/**
	 * Creates a client reading with the given deadline.
	 * @param client the jetcd client
	 * @param layout where instances live
	 * @param properties the etcd settings (endpoints for errors, call timeout)
	 */
	public EtcdDiscoveryClient(Client client, EtcdKeyLayout layout, EtcdDiscoveryProperties properties) {
		this.kv = client.getKVClient();
		this.layout = layout;
		this.calls = new EtcdCalls(properties.getEndpointUris(), properties.getCallTimeout());
	}

	@Override
	public String description() {
		return "Switchboard etcd discovery client";
	}

	@Override
	public List<ServiceInstance> getInstances(String serviceId) {
		GetResponse response = this.calls.await(this.kv.get(this.layout.service(serviceId), PREFIX_READ),
				"Reading the instances of '" + serviceId + "'");
		List<ServiceInstance> instances = new ArrayList<>();
		for (KeyValue keyValue : response.getKvs()) {
			ServiceInstance instance = this.layout.instance(keyValue);
			if (instance != null && instance.getServiceId().equals(serviceId)) {
				instances.add(instance);
			}
		}
		return instances;
	}

	@Override
	public List<String> getServices() {
		GetResponse response = this.calls.await(this.kv.get(this.layout.allServices(), PREFIX_KEYS),
				"Listing services");
		TreeSet<String> services = new TreeSet<>();
		for (KeyValue keyValue : response.getKvs()) {
			String serviceId = this.layout.serviceOf(keyValue.getKey().toString(StandardCharsets.UTF_8));
			if (serviceId != null) {
				services.add(serviceId);
			}
		}
		return List.copyOf(services);
	}

	@Override
	public void probe() {
		getServices();
	}

	@Override
	public String toString() {
		return "EtcdDiscoveryClient[prefix=" + this.layout.prefix() + "]";
	}

}
