package netgroovy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The script runner as a user meets it: a java process with arguments, its output and exit code. */
@ExtendWith(Sandboxed.class)
class CliTest {
    static Subprocess netgroovy(List<String> prefix, String... args) throws Exception {
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        argv.addAll(List.of(args));
        return Subprocess.run(new ProcessBuilder(argv), Duration.ofSeconds(60));
    }

    static Subprocess netgroovy(String... args) throws Exception {
        return netgroovy(List.of(), args);
    }

    @Test
    void dryRunPrintsThePlanAndTouchesNothing() throws Exception {
        Subprocess r = netgroovy("--dry-run", "-e", "bridge 'b0' cidr '10.0.0.1/24'");
        assertEquals(0, r.code(), r.err());
        assertEquals("ip link add b0 type bridge\nip link set dev b0 up\nip addr add 10.0.0.1/24 dev b0\n", r.out());
        assertTrue(Ip.link(null, "b0").isEmpty());
    }

    @Test
    void aScriptFileWithShebangAndArgs(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("wire.netgroovy");
        Files.writeString(script, """
                #!/usr/bin/env netgroovy
                bridge args[0] cidr args[1]
                println "made ${args[0]}"
                """);
        Subprocess r = netgroovy("--sandbox", script.toString(), "br7", "10.7.0.1/24");
        assertEquals(0, r.code(), r.err());
        assertEquals("made br7\n", r.out());
        assertTrue(Ip.addresses(null, "br7").contains("10.7.0.1/24"));
    }

    @Test
    void errorsAreOneLineWithFileAndLineAndNoStackTrace(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("bad.netgroovy");
        Files.writeString(script, "bridge 'b1' cidr '10.1.0.1/24'\nlink 'nope' master 'b1'\n");
        Subprocess r = netgroovy("--sandbox", script.toString());
        assertEquals(1, r.code());
        assertEquals("netgroovy: bad.netgroovy:2: cannot attach nope to b1: link nope does not exist\n"
                + "  hint: nothing of this statement was left behind; `explain { ... }` shows what it would do\n", r.err());
        assertFalse(r.err().contains("\tat "));
        Subprocess debug = netgroovy("--sandbox", "--debug", script.toString());
        assertTrue(debug.err().contains("\tat "), "--debug shows the stack trace");
        Subprocess typo = netgroovy("--sandbox", "-e", "\nveht('A', 'B')");
        assertEquals("netgroovy: -e:2: unknown word 'veht'\n  hint: did you mean 'veth'?\n", typo.err());
        Subprocess missing = netgroovy("--sandbox", dir.resolve("nope.netgroovy").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("netgroovy: no such script: "), missing.err());
    }

    @Test
    void hostModeWithoutNetAdminStopsWithAClearMessage() throws Exception {
        // setpriv drops CAP_NET_ADMIN from everything the java process could have.
        Subprocess r = netgroovy(List.of("setpriv", "--inh-caps=-net_admin", "--bounding-set=-net_admin"),
                "--host", "-e", "bridge 'b0'");
        assertEquals(2, r.code());
        assertEquals("netgroovy: --host needs CAP_NET_ADMIN on this machine: run it as root (sudo), "
                + "or leave out --host to use the sandbox\n", r.err());
        Subprocess dry = netgroovy(List.of("setpriv", "--inh-caps=-net_admin", "--bounding-set=-net_admin"),
                "--host", "--dry-run", "-e", "bridge 'b0'");
        assertEquals(0, dry.code(), "a dry run needs no privileges: " + dry.err());
    }

    @Test
    void anExecutableScriptWithTheShebangRunsThroughTheLauncher(@TempDir Path dir) throws Exception {
        Path bin = dir.resolve("bin");
        Files.createDirectories(bin);
        Files.createSymbolicLink(bin.resolve("netgroovy"), Path.of(System.getenv("NETGROOVY_HOME"), "netgroovy"));
        Path script = dir.resolve("hello.netgroovy");
        Files.writeString(script, "#!/usr/bin/env netgroovy\nprintln explain { bridge 'sb0' }\n");
        script.toFile().setExecutable(true);
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "--unused-arg");
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("NETGROOVY_CLASSPATH", System.getProperty("java.class.path")); // classes built: no build here
        Subprocess r = Subprocess.run(pb, Duration.ofSeconds(120));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("ip link add sb0 type bridge"), r.transcript());
    }
}
