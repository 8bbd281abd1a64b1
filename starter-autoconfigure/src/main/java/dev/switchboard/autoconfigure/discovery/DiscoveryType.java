package dev.switchboard.autoconfigure.discovery;

/**
 * The discovery backends {@code switchboard.discovery.type} can choose.
 *
 * @author Switchboard
 */
public enum DiscoveryType {

	/** Instances listed in {@code switchboard.discovery.static.services}. */
	STATIC("static", "org.springframework.cloud:spring-cloud-commons"),

	/** SRV or A/AAAA records from DNS: Kubernetes headless services, Docker networks, Consul's DNS interface. */
	DNS("dns", "dnsjava:dnsjava"),

	/** Spring Cloud Consul's discovery client, asking the local Consul agent. */
	CONSUL("consul", "org.springframework.cloud:spring-cloud-starter-consul-discovery"),

	/** Spring Cloud Netflix's Eureka client, serving its copy of the Eureka server's registry. */
	EUREKA("eureka", "org.springframework.cloud:spring-cloud-starter-netflix-eureka-client"),

	/** Instances stored as JSON in etcd v3 under a key prefix, read and watched with jetcd. */
	ETCD("etcd", "io.etcd:jetcd-core");

	private final String id;

	private final String requiredDependency;

	DiscoveryType(String id, String requiredDependency) {
		this.id = id;
		this.requiredDependency = requiredDependency;
	}

	/**
	 * The library the backend needs on the classpath, as {@code groupId:artifactId}.
	 * @return the dependency to add when the backend is missing
	 */
	public String requiredDependency() {
		return this.requiredDependency;
	}

	/**
	 * The value as written in configuration.
	 * @return the configuration value
	 */
	public String id() {
		return this.id;
	}

	// Spring Boot lists the valid values with toString() when a bad value fails to bind.
	@Override
	public String toString() {
		return this.id;
	}

}
