package netgroovy.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import netgroovy.dsl.DslException;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.kernel.Exec;
import netgroovy.testing.Sandboxed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code draw}: the live topology as Mermaid and Graphviz, checked by Graphviz itself where it is installed. */
@ExtendWith(Sandboxed.class)
class DrawTest {
    private final Session session = new Session(false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "sandbox");
    private final Engine engine = new Engine(session);

    private Object run(String script) {
        return engine.run(script, "draw.netgroovy");
    }

    @AfterEach
    void close() {
        session.close();
    }

    private void world() {
        run("""
                bridge 'docker0' cidr '172.17.0.1/16'
                netns 'c1'
                veth 'A', 'eth0', peerIn: 'c1'
                link 'A' master 'docker0' up
                netns('c1') { addr '172.17.0.2/16' dev 'eth0'; link 'eth0' up }
                """);
    }

    @Test
    void mermaidHasABoxPerNamespaceAndALinePerPortAndVeth() {
        world();
        String m = (String) run("draw()");
        List<String> lines = m.lines().map(String::strip).toList();
        assertEquals("graph LR", lines.get(0));
        assertTrue(lines.contains("subgraph ns_host[\"host\"]"), m);
        assertTrue(lines.contains("subgraph ns_c1[\"netns c1\"]"), m);
        assertTrue(lines.contains("host_docker0[\"docker0 (bridge) 172.17.0.1/16\"]"), m);
        assertTrue(lines.contains("c1_eth0[\"eth0 172.17.0.2/16\"]"), m);
        assertTrue(lines.contains("host_A --- host_docker0"), "A is a port of docker0: " + m);
        assertTrue(lines.contains("c1_eth0 === host_A"), "and A's veth peer is c1's eth0: " + m);
        assertEquals(lines.stream().filter(l -> l.startsWith("subgraph")).count(), lines.stream().filter(l -> l.equals("end")).count());
        String lit = (String) run("draw highlight: ['c1']");
        assertTrue(lit.contains("class ns_c1 path"), lit);
    }

    @Test
    void dotIsAcceptedByGraphviz(@TempDir Path dir) throws Exception {
        world();
        String dot = (String) run("draw format: 'dot', highlight: 'c1'");
        assertTrue(dot.startsWith("graph topology {") && dot.contains("host_A -- host_docker0;")
                && dot.contains("c1_eth0 -- host_A [style=bold, label=\"veth\"];") && dot.contains("fillcolor"), dot);
        boolean haveDot = Files.isExecutable(Path.of("/usr/bin/dot"));
        Assumptions.assumeTrue(haveDot, "Graphviz is not installed (Debian: apt-get install graphviz)");
        var checked = Exec.run(null, List.of("dot", "-Tsvg"), dot, Duration.ofSeconds(30));
        assertEquals(0, checked.exitCode(), checked.stderr());
        Path svg = dir.resolve("topo.svg");
        assertEquals("wrote " + svg, run("draw format: 'svg', file: '" + svg + "'"));
        assertTrue(Files.readString(svg).contains("<svg"), "an SVG picture");
    }

    @Test
    void badOptionsSayWhatIsWrong() {
        var e = assertThrows(DslException.class, () -> run("draw format: 'png'"));
        assertEquals("draw.netgroovy:1: draw format: 'png' is not one of mermaid, dot, svg", e.located());
        var o = assertThrows(DslException.class, () -> run("draw colour: 'red'"));
        assertEquals("draw.netgroovy:1: draw has no option 'colour' (it knows: format, file, highlight)", o.located());
    }
}
