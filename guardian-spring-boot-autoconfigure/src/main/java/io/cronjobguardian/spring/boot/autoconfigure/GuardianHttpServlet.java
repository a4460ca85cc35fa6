package io.cronjobguardian.spring.boot.autoconfigure;

import io.cronjobguardian.http.GuardianHttpHandler;
import io.cronjobguardian.http.HttpRequest;
import io.cronjobguardian.http.HttpResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * guardian-http's framework-free handler in the host's servlet container: the request (path within the context,
 * query, headers, body of at most the handler's limit, the principal the host's security put on it, the client's
 * address) in, the handler's status, headers and body out. Mounted by {@link GuardianAutoConfiguration}.
 */
final class GuardianHttpServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient GuardianHttpHandler handler;

    GuardianHttpServlet(GuardianHttpHandler handler) {
        this.handler = handler;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        byte[] body;
        try (InputStream in = req.getInputStream()) {
            body = GuardianHttpHandler.readBody(in);
        }
        String uri = req.getRequestURI() == null ? "/" : req.getRequestURI();
        String context = req.getContextPath() == null ? "" : req.getContextPath();
        String path = uri.startsWith(context) ? uri.substring(context.length()) : uri;
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(req.getHeaderNames())) {
            headers.put(name, new ArrayList<>(Collections.list(req.getHeaders(name))));
        }
        Principal who = req.getUserPrincipal();
        HttpRequest request = new HttpRequest(req.getMethod(), HttpRequest.decode(path.isEmpty() ? "/" : path),
                HttpRequest.parseQuery(req.getQueryString()), headers, body, who == null ? null : who.getName(),
                req.getRemoteAddr());
        HttpResponse response = handler.handle(request);
        resp.setStatus(response.status());
        response.headers().forEach(resp::setHeader);
        if (!"HEAD".equalsIgnoreCase(req.getMethod()) && response.body().length > 0) {
            resp.setContentLength(response.body().length);
            resp.getOutputStream().write(response.body());
        }
    }
}
