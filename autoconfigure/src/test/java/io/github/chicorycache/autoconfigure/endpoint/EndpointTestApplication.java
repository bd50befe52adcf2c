package io.github.chicorycache.autoconfigure.endpoint;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * A minimal application for the web integration tests of the Actuator support.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class EndpointTestApplication {

}
