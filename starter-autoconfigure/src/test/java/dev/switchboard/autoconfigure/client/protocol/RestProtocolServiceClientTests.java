package dev.switchboard.autoconfigure.client.protocol;

/**
 * The protocol suite over REST.
 *
 * @author Switchboard
 */
class RestProtocolServiceClientTests extends ServiceClientProtocolSuite {

	@Override
	String protocol() {
		return "rest";
	}

}
