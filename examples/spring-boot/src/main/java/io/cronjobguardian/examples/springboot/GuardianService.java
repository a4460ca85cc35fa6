package io.cronjobguardian.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A Spring Boot service embedding Guardian: everything is in {@code application.yaml}. */
@SpringBootApplication
public class GuardianService {
    public static void main(String[] args) {
        SpringApplication.run(GuardianService.class, args);
    }
}
