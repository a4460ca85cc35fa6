package io.cronjobguardian.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * {@code guardian-bom} lists every published artifact of the build and nothing else. Published: every module of the
 * root pom (its profiles' modules too, recursively through aggregators) that is not a {@code pom} aggregator and does
 * not set {@code maven.deploy.skip} (itself or through its parent in this build); the BOM and the parent pom are
 * published too, but a BOM does not list them.
 */
class BomListsThePublishedArtifactsIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theBomListsExactlyThePublishedArtifacts() throws Exception {
        TreeSet<String> published = new TreeSet<>();
        collect(ROOT, false, published);
        published.remove("guardian-bom");
        assertThat(published).as("published artifacts found").contains("guardian-engine", "guardian-api");

        Document bom = parse(ROOT.resolve("guardian-bom/pom.xml"));
        TreeSet<String> listed = new TreeSet<>();
        Element dm = child(bom.getDocumentElement(), "dependencyManagement");
        for (Element d : children(child(dm, "dependencies"), "dependency")) {
            assertThat(text(d, "groupId")).isEqualTo("io.cronjobguardian");
            assertThat(text(d, "version")).as("the BOM's version of %s", text(d, "artifactId"))
                    .isEqualTo(text(bom.getDocumentElement(), "version"));
            listed.add(text(d, "artifactId"));
        }
        assertThat(listed).as("guardian-bom/pom.xml").isEqualTo(published);
    }

    private static void collect(Path dir, boolean parentSkips, TreeSet<String> out) throws Exception {
        Element project = parse(dir.resolve("pom.xml")).getDocumentElement();
        boolean skips = parentSkips;
        Element props = child(project, "properties");
        if (props != null && child(props, "maven.deploy.skip") != null) {
            skips = "true".equals(text(props, "maven.deploy.skip"));
        }
        String packaging = child(project, "packaging") == null ? "jar" : text(project, "packaging");
        List<String> modules = new ArrayList<>();
        addModules(child(project, "modules"), modules);
        Element profiles = child(project, "profiles");
        if (profiles != null) {
            for (Element p : children(profiles, "profile")) {
                addModules(child(p, "modules"), modules);
            }
        }
        if (!packaging.equals("pom") || modules.isEmpty()) {
            if (!skips) {
                out.add(text(project, "artifactId"));
            }
            return;
        }
        for (String m : modules) {
            Path sub = dir.resolve(m).normalize();
            if (Files.exists(sub.resolve("pom.xml"))) {
                collect(sub, skips, out);
            }
        }
    }

    private static void addModules(Element modules, List<String> into) {
        if (modules != null) {
            for (Element m : children(modules, "module")) {
                into.add(m.getTextContent().trim());
            }
        }
    }

    private static Document parse(Path pom) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(pom.toFile());
    }

    private static Element child(Element parent, String name) {
        List<Element> c = children(parent, name);
        return c.isEmpty() ? null : c.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        NodeList nl = parent.getChildNodes();
        for (int i = 0; i < nl.getLength(); i++) {
            Node n = nl.item(i);
            if (n instanceof Element && ((Element) n).getTagName().equals(name)) {
                out.add((Element) n);
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        return child(parent, name).getTextContent().trim();
    }
}
