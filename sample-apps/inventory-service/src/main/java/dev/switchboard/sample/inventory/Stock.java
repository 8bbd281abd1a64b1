package dev.switchboard.sample.inventory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Units of each SKU, per instance (the demo keeps them in memory), and the instance's name, which every answer
 * carries so that callers can see who answered.
 *
 * @author Switchboard
 */
@Component
class Stock {

	private final Map<String, AtomicInteger> units = new ConcurrentHashMap<>();

	private final String instance;

	Stock(@Value("${inventory.instance-name:inventory}") String instance) {
		this.instance = instance;
	}

	int available(String sku) {
		return units(sku).get();
	}

	int reserve(String sku, int quantity) {
		return units(sku).addAndGet(-quantity);
	}

	String instance() {
		return this.instance;
	}

	private AtomicInteger units(String sku) {
		return this.units.computeIfAbsent(sku, (key) -> new AtomicInteger(1000));
	}

}
