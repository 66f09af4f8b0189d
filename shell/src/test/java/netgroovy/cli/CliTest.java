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
    void withoutAScriptTheReplReadsWhatIsPipedIn(@TempDir Path dir) throws Exception {
        Path typed = dir.resolve("typed");
        Files.writeString(typed, "def twice(n) { n * 2 }\ntwice(21)\n:quit\n");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--dry-run").redirectInput(typed.toFile());
        pb.environment().put("NETGROOVY_HISTORY", dir.resolve("history").toString());
        Subprocess r = Subprocess.run(pb, Duration.ofSeconds(60));
        assertEquals(0, r.code(), r.transcript());
        assertTrue(r.out().contains("netgroovy(dry-run)> 42\n"), "a method of one statement, called in the next: " + r.transcript());
        assertEquals("", r.err(), "a dumb terminal for piped input, without JLine's warning: " + r.transcript());
    }

    @Test
    void dryRunPrintsThePlanAndTouchesNothing() throws Exception {
        Subprocess r = netgroovy("--dry-run", "-e", "bridge 'b0' cidr '10.0.0.1/24'");
        assertEquals(0, r.code(), r.err());
        assertEquals("ip link add b0 type bridge\nip link set dev b0 up\nip addr add 10.0.0.1/24 dev b0\n", r.out());
        assertTrue(Ip.link(null, "b0").isEmpty());
    }

    @Test
    void theDesignCardsNotationInMinusEAndScripts(@TempDir Path dir) throws Exception {
        Subprocess e = netgroovy("--dry-run", "-e", "bridge 'bridge0' < cidr '192.168.5.1/24' >; veth('A','B')");
        assertEquals(0, e.code(), e.err());
        assertEquals("ip link add bridge0 type bridge\nip link set dev bridge0 up\nip addr add 192.168.5.1/24 dev bridge0\n"
                + "ip link add A type veth peer name B\n", e.out());
        Path script = dir.resolve("card.netgroovy");
        Files.writeString(script, "bridge 'bridge0' < cidr '192.168.5.1/24' >\nveth('A','B')\nbridge 'b9' <\n  mtu 9\n>\n");
        Subprocess r = netgroovy("--sandbox", script.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("netgroovy: card.netgroovy:4: MTU 9 is out of range"), r.err());
        assertTrue(Ip.addresses(null, "bridge0").contains("192.168.5.1/24"));
        assertTrue(Ip.link(null, "A").isPresent());
        assertTrue(Ip.link(null, "b9").isEmpty(), "the failed statement made nothing");
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
    }

    /**
     * Whatever went wrong, stderr holds exactly one "netgroovy: PLACE: message" line (PLACE is
     * FILE:LINE, or the file alone) and a hint, and no stack trace; returns the message line.
     */
    static String assertOneLineError(Subprocess r, String place, int code) {
        assertEquals(code, r.code(), r.transcript());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.stream().filter(l -> l.startsWith("netgroovy:")).count(), r.transcript());
        assertTrue(lines.get(0).startsWith("netgroovy: " + place + ": "), "the place is " + place + "\n" + r.transcript());
        assertTrue(lines.size() == 2 && lines.get(1).startsWith("  hint: "), "one line and a hint\n" + r.transcript());
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("\tat ")), "no stack trace\n" + r.transcript());
        return lines.get(0);
    }

    @Test
    void aMissingScriptIsOneLineNamingIt(@TempDir Path dir) throws Exception {
        Path nope = dir.resolve("nope.netgroovy");
        String line = assertOneLineError(netgroovy("--sandbox", nope.toString()), nope.toString(), 2);
        assertEquals("netgroovy: " + nope + ": no such script", line);
    }

    @Test
    void aStackOverflowIsOneLineAtTheRecursingLine(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("deep.netgroovy");
        Files.writeString(script, "bridge 'b0'\ndef f(n) {\n    f(n + 1)\n}\nf(0)\n");
        String line = assertOneLineError(netgroovy("--sandbox", script.toString()), "deep.netgroovy:3", 1);
        assertTrue(line.contains("stack overflow"), line);
        assertOneLineError(netgroovy("--sandbox", "-e", "def f() { f() }; f()"), "-e:1", 1);
        Subprocess debug = netgroovy("--sandbox", "--debug", "-e", "def f() { f() }; f()");
        assertTrue(debug.err().contains("\tat ") && debug.err().contains("StackOverflowError"), "--debug shows the trace");
    }

    @Test
    void aCompileErrorIsOneLineAtItsLine(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("typo.netgroovy");
        Files.writeString(script, "bridge 'b0'\nbridge 'b1' cidr ('10.0.0.1/24'\nbridge 'b2'\n");
        String line = assertOneLineError(netgroovy("--sandbox", script.toString()), "typo.netgroovy:2", 1);
        assertTrue(line.contains("syntax error"), line);
        assertTrue(Ip.link(null, "b0").isEmpty(), "a script that does not compile runs no line of it");
    }

    @Test
    void classesThatCannotBeFoundOrLoadedAreOneLine(@TempDir Path dir) throws Exception {
        String notFound = assertOneLineError(netgroovy("--sandbox", "-e", "\nClass.forName('no.such.Thing')"), "-e:2", 1);
        assertEquals("netgroovy: -e:2: no class no.such.Thing", notFound);
        // A NoClassDefFoundError, provoked for real: a class whose static initializer failed once.
        Path script = dir.resolve("broken.netgroovy");
        Files.writeString(script, "class Broken { static x = 1 / 0 }\ntry { Broken.x } catch (Throwable first) { }\nBroken.x\n");
        String unusable = assertOneLineError(netgroovy("--sandbox", script.toString()), "broken.netgroovy:3", 1);
        assertTrue(unusable.contains("Could not initialize class Broken"), unusable);
    }

    @Test
    void aMethodThatDoesNotExistIsOneLine() throws Exception {
        String line = assertOneLineError(netgroovy("--sandbox", "-e", "bridge 'b0'\n'abc'.shout()"), "-e:2", 1);
        assertEquals("netgroovy: -e:2: String has no method shout()", line);
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

    /**
     * KeepCompiled (what the launcher runs on the tutorials after a build) compiles scripts
     * without running them, keeps each that compiles, and names the one that does not.
     */
    @Test
    void keepCompiledCompilesWithoutRunningAndNamesWhatDoesNotCompile(@TempDir Path dir) throws Exception {
        Path ran = dir.resolve("ran");
        Path good = dir.resolve("good.netgroovy");
        Files.writeString(good, "new File('" + ran + "').text = 'ran'\nbridge 'b0' < cidr '10.0.0.1/24' >\n");
        Path bad = dir.resolve("bad.netgroovy");
        Files.writeString(bad, "println 'a'\nbridge('b0'\n");
        Path kept = dir.resolve("compiled");
        List<String> argv = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dnetgroovy.compiled=" + kept, "-cp", System.getProperty("java.class.path"), KeepCompiled.class.getName(),
                good.toString(), bad.toString());
        Subprocess r = Subprocess.run(new ProcessBuilder(argv), Duration.ofSeconds(60));
        assertEquals(0, r.code(), r.transcript());
        assertTrue(r.out().contains("1 of 2 compiled and kept"), r.transcript());
        assertTrue(r.err().contains("KeepCompiled: bad.netgroovy:2: syntax error"), r.transcript());
        assertFalse(Files.exists(ran), "compiled, not run");
        try (var entries = Files.list(kept)) {
            assertEquals(1, entries.count(), "good.netgroovy's entry");
        }
    }
}
