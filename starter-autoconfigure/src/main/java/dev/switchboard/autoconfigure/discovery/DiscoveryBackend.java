package dev.switchboard.autoconfigure.discovery;

import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * The discovery backend chosen by {@code switchboard.discovery.type}: exactly one such bean exists, and it
 * alone feeds Switchboard's clients even when other {@link DiscoveryClient} beans are present.
 *
 * @param name the backend name, as written in {@code switchboard.discovery.type}
 * @param discoveryClient the backend's discovery client
 * @author Switchboard
 */
public record DiscoveryBackend(String name, DiscoveryClient discoveryClient) {
}
