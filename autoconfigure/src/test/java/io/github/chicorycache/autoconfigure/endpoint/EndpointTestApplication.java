package io.github.chicorycache.actuate;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * A minimal application for the web integration tests of the Actuator support.
 *
 * @author chicory-cache
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class EndpointTestApplication {

}
