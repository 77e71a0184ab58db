// Runs after the generated project's `verify` succeeded: its plugin zip holds the PF4J descriptor and the
// extension index, and nothing of the host.
import java.util.zip.ZipFile

// the archetype plugin passes the generated project's folder in the script's `context` map
def projectDir = context.projectDir

def zipFile = new File(projectDir, 'target/basic-connector-1.0.0.zip')
assert zipFile.isFile() : "no plugin zip at ${zipFile}"

new ZipFile(zipFile).withCloseable { zip ->
    def names = zip.entries().collect { it.name }

    def descriptor = new Properties()
    zip.getInputStream(zip.getEntry('plugin.properties')).withCloseable { descriptor.load(it) }
    assert descriptor['plugin.id'] == 'basic-connector'
    assert descriptor['plugin.version'] == '1.0.0'
    assert descriptor['plugin.class'] == 'org.pf4j.Plugin'
    assert descriptor['plugin.requires'] == '>=1.0.0 & <2.0.0'
    assert descriptor['plugin.provider'] == 'com.example.it'

    def index = zip.getEntry('classes/META-INF/extensions.idx')
    assert index != null : "no classes/META-INF/extensions.idx in ${zipFile}: ${names}"
    def extensions = zip.getInputStream(index).text.readLines()
    assert extensions.contains('com.example.it.basicconnector.LinesConnectorFactory') : "extensions.idx: ${extensions}"

    assert !names.any { it.startsWith('lib/') && (it.contains('laminar-sdk') || it.contains('pf4j') || it.contains('slf4j')) } : "${names}"
}

// the generated build ran the TCK suites, and the plugin suite on the zip without skipping it
def reports = new File(projectDir, 'target/surefire-reports')
assert new File(reports, 'TEST-com.example.it.basicconnector.LinesSourceTest.xml').isFile()
assert new File(reports, 'TEST-com.example.it.basicconnector.LinesSinkTest.xml').isFile()
def lifecycle = new File(projectDir, 'target/failsafe-reports/TEST-com.example.it.basicconnector.PluginLifecycleIT.xml').text
def suite = (lifecycle =~ /<testsuite [^>]*/)[0]
assert (suite =~ /tests="(\d+)"/)[0][1].toInteger() > 0 && (suite =~ /skipped="(\d+)"/)[0][1] == '0' : "PluginLifecycleIT: ${suite}"
return true
