package io.cronjobguardian.examples.reference;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The reference service the Helm chart deploys: Guardian through the Spring Boot starter, configured entirely by
 * {@code application.yaml}, the chart's mounted {@code /etc/cronjob-guardian/config/application.yaml}, environment
 * variables (the database password from a Secret) and monitor files mounted under
 * {@code /etc/cronjob-guardian/monitors}.
 */
@SpringBootApplication
public class ReferenceService {

    /**
     * One Kubernetes client for the watcher and the Lease elector (the starter hands the host's client to both):
     * in a pod the service account's token and CA, elsewhere {@code KUBECONFIG} or {@code ~/.kube/config}. Guardian
     * stops in Boot's graceful-shutdown phase, before this bean is closed.
     *
     * @return the client
     */
    @Bean(destroyMethod = "close")
    public KubernetesClient kubernetesClient() {
        return new KubernetesClientBuilder().build();
    }

    /**
     * Starts the service.
     *
     * @param args Spring Boot command-line arguments ({@code --server.port=...})
     */
    public static void main(String[] args) {
        SpringApplication.run(ReferenceService.class, args);
    }
}
