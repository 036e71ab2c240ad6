package io.mailgate.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteFilesTest {

    @TempDir
    Path dir;

    @Test
    void classpathGlobsBecomeTheFilesTheyMatchInAJar() throws IOException {
        Path jar = dir.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : List.of("routes/errors.camel.yaml", "routes/mail/mail-api.camel.yaml",
                    "routes/mail/mail-accept.camel.yaml", "routes/mail/notes.txt", "routes/mail/deep/x.camel.yaml",
                    "other/routes/y.camel.yaml")) {
                out.putNextEntry(new ZipEntry(name));
                out.write('-');
                out.closeEntry();
            }
        }
        assertEquals("classpath:routes/errors.camel.yaml,classpath:routes/mail/mail-accept.camel.yaml,"
                + "classpath:routes/mail/mail-api.camel.yaml,file:extra/*.camel.yaml,classpath:routes/none/*.camel.yaml",
                RouteFiles.expand("classpath:routes/*.camel.yaml, classpath:routes/mail/*.camel.yaml,file:extra/*.camel.yaml,"
                        + "classpath:routes/none/*.camel.yaml", jar));
        assertEquals("classpath:routes/errors.camel.yaml,classpath:routes/mail/deep/x.camel.yaml,"
                + "classpath:routes/mail/mail-accept.camel.yaml,classpath:routes/mail/mail-api.camel.yaml",
                RouteFiles.expand("classpath:routes/**/*.camel.yaml", jar));
    }

    @Test
    void aClassesDirectoryIsWalkedTheSameWay() throws IOException {
        Files.createDirectories(dir.resolve("routes/mail"));
        try (OutputStream out = Files.newOutputStream(dir.resolve("routes/mail/mail-api.camel.yaml"))) {
            out.write('-');
        }
        assertEquals("classpath:routes/mail/mail-api.camel.yaml", RouteFiles.expand("classpath:routes/mail/*.camel.yaml", dir));
        assertEquals("classpath:routes/*.camel.yaml", RouteFiles.expand("classpath:routes/*.camel.yaml", null));
    }

    @Test
    void globs() {
        assertTrue(RouteFiles.glob("routes/*.camel.yaml").matcher("routes/a.camel.yaml").matches());
        assertFalse(RouteFiles.glob("routes/*.camel.yaml").matcher("routes/mail/a.camel.yaml").matches());
        assertTrue(RouteFiles.glob("routes/**/a?.yaml").matcher("routes/a1.yaml").matches());
        assertFalse(RouteFiles.glob("routes/**/b.yaml").matcher("routes/xb.yaml").matches());
        assertFalse(RouteFiles.glob("routes/a+b.yaml").matcher("routes/aab.yaml").matches());
    }
}
