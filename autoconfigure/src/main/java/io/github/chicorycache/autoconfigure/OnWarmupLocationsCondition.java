package io.github.chicorycache.autoconfigure;

import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code chicory.cache.warmup.locations} has at least one location, in any
 * form the binder accepts: a comma-separated value, or an indexed list as YAML writes it
 * ({@code locations[0]}), which a property placeholder does not see.
 */
class OnWarmupLocationsCondition extends SpringBootCondition {

	static final String PROPERTY = "chicory.cache.warmup.locations";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		List<String> locations = Binder.get(context.getEnvironment())
			.bind(PROPERTY, Bindable.listOf(String.class))
			.orElse(List.of());
		if (locations.stream().anyMatch((location) -> !location.isBlank())) {
			return ConditionOutcome.match("found " + PROPERTY + " " + locations);
		}
		return ConditionOutcome.noMatch("no " + PROPERTY);
	}

}
