package dev.switchboard.autoconfigure.client.scan;

import dev.switchboard.core.annotation.ServiceClient;

import org.springframework.web.service.annotation.GetExchange;

/**
 * A client found by scanning the auto-configuration package.
 *
 * @author Switchboard
 */
@ServiceClient("scanned")
public interface ScannedClient {

	@GetExchange("/ping")
	String ping();

}
