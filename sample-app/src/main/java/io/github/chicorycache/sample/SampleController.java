package io.github.chicorycache.sample;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * HTTP API of the sample.
 */
@RestController
public class SampleController {

	private final Wat2Wasm wat2wasm;

	private final VowelCounter vowels;

	public SampleController(Wat2Wasm wat2wasm, VowelCounter vowels) {
		this.wat2wasm = wat2wasm;
		this.vowels = vowels;
	}

	@PostMapping(path = "/wat2wasm", consumes = MediaType.ALL_VALUE, produces = "application/wasm")
	public byte[] wat2wasm(@RequestBody String wat) {
		return this.wat2wasm.convert(wat);
	}

	@GetMapping("/vowels")
	public Map<String, Object> vowels(@RequestParam String text) {
		return Map.of("text", text, "vowels", this.vowels.count(text));
	}

	@ExceptionHandler(Wat2Wasm.InvalidWatException.class)
	ProblemDetail invalidWat(Wat2Wasm.InvalidWatException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
		problem.setTitle("wat2wasm rejected the input");
		problem.setProperty("exitCode", ex.getExitCode());
		return problem;
	}

	@ExceptionHandler(IllegalArgumentException.class)
	ProblemDetail invalidArgument(IllegalArgumentException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

}
