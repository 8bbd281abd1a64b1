package dev.switchboard.autoconfigure.channel.scanned;

import dev.switchboard.core.annotation.ChannelClient;
import dev.switchboard.core.annotation.Publish;

/**
 * A client found by scanning the auto-configuration package.
 *
 * @author Switchboard
 */
@ChannelClient
public interface ScannedEvents {

	/**
	 * Publishes a note.
	 * @param note the note
	 */
	@Publish("notes")
	void note(String note);

}
