package io.cronjobguardian.testkit.jdbc;

import io.cronjobguardian.testkit.jdbc.TestDatabases.Engine;
import io.cronjobguardian.testkit.jdbc.TestDatabases.Server;

/** Testcontainers, touched only when no environment variable names a server (so its classes are optional). */
final class Containers {

    /** Thrown when no Docker engine answers (or Testcontainers is not on the classpath). */
    static final class NoDocker extends Exception {
        private static final long serialVersionUID = 1L;

        NoDocker(String message) {
            super(message);
        }
    }

    private Containers() {
    }

    static Server start(Engine engine) throws NoDocker {
        try {
            if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
                throw new NoDocker("no Docker engine");
            }
        } catch (LinkageError e) {
            throw new NoDocker("Testcontainers is not on the test classpath");
        }
        switch (engine) {
            case POSTGRES: {
                var c = new org.testcontainers.postgresql.PostgreSQLContainer("postgres:16-alpine")
                        .withDatabaseName("guardian_test").withUsername("guardian").withPassword("guardian");
                c.start();
                return new Server(engine, c.getJdbcUrl(), c.getUsername(), c.getPassword(),
                        "testcontainers postgres:16-alpine");
            }
            case MYSQL: {
                // root, so that tests may create their own databases
                var c = new org.testcontainers.mysql.MySQLContainer("mysql:8.4")
                        .withDatabaseName("guardian_test").withUsername("root").withPassword("guardian");
                c.start();
                return new Server(engine, c.getJdbcUrl(), "root", "guardian", "testcontainers mysql:8.4");
            }
            case MARIADB:
            default: {
                var c = new org.testcontainers.mariadb.MariaDBContainer("mariadb:11")
                        .withDatabaseName("guardian_test").withUsername("root").withPassword("guardian");
                c.start();
                return new Server(engine, c.getJdbcUrl(), "root", "guardian", "testcontainers mariadb:11");
            }
        }
    }
}
