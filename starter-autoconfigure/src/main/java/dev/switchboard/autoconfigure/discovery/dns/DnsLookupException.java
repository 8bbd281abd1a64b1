package dev.switchboard.autoconfigure.discovery.dns;

import java.net.InetSocketAddress;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the DNS servers did not give a usable answer: a timeout, a network failure or an error response
 * such as {@code SERVFAIL} or {@code REFUSED}. A name that does not exist ({@code NXDOMAIN}) or has no records of
 * the type asked for is a valid, empty answer and never raises this exception, so callers can tell an outage
 * from a service without instances.
 *
 * @author Switchboard
 */
public class DnsLookupException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String name;

	private final String type;

	private final List<InetSocketAddress> servers;

	/**
	 * Creates an exception for a failed lookup.
	 * @param name the name that was looked up
	 * @param type the record type that was asked for, such as {@code SRV}
	 * @param servers the servers that were asked
	 * @param reason what went wrong
	 * @param cause the underlying failure, or {@code null}
	 */
	public DnsLookupException(String name, String type, List<InetSocketAddress> servers, String reason,
			@Nullable Throwable cause) {
		super("DNS lookup of " + name + " " + type + " via " + servers + " failed: " + reason, cause);
		this.name = name;
		this.type = type;
		this.servers = List.copyOf(servers);
	}

	/**
	 * The name that was looked up.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * The record type that was asked for.
	 * @return the type mnemonic, such as {@code SRV}, {@code A} or {@code AAAA}
	 */
	public String getType() {
		return this.type;
	}

	/**
	 * The servers that were asked.
	 * @return the server addresses
	 */
	public List<InetSocketAddress> getServers() {
		return this.servers;
	}

}
