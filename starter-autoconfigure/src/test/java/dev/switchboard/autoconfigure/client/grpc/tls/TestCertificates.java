package dev.switchboard.autoconfigure.client.grpc.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for TLS tests: EC P-256 keys, certificates for 127.0.0.1 and localhost,
 * written as PEM files that Spring Boot's {@code spring.ssl.bundle.pem.*} reads.
 *
 * @author Switchboard
 */
public final class TestCertificates {

	private static final AtomicLong serial = new AtomicLong(System.currentTimeMillis());

	private final Path directory;

	private final KeyPair caKeys;

	private final X509Certificate caCertificate;

	public TestCertificates(Path directory) throws Exception {
		this.directory = directory;
		this.caKeys = newKeyPair();
		this.caCertificate = sign("CN=Switchboard Test CA", this.caKeys, null);
		write("ca.crt", this.caCertificate);
	}

	/**
	 * The CA certificate's PEM file.
	 * @return the path
	 */
	public Path ca() {
		return this.directory.resolve("ca.crt");
	}

	/**
	 * Issues a certificate for loopback and writes {@code <name>.crt} and {@code <name>.key}.
	 * @param name file name and common name
	 * @throws Exception on failure
	 */
	public void issue(String name) throws Exception {
		issue(name, new GeneralName[] { new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
				new GeneralName(GeneralName.dNSName, "localhost") });
	}

	/**
	 * Issues a certificate valid only for other host names, not for loopback: a client that checks the name of
	 * the host it connected to (127.0.0.1) must refuse it.
	 * @param name file name and common name
	 * @param dnsName the one host name the certificate is for
	 * @throws Exception on failure
	 */
	public void issueForOtherHost(String name, String dnsName) throws Exception {
		issue(name, new GeneralName[] { new GeneralName(GeneralName.dNSName, dnsName) });
	}

	private void issue(String name, GeneralName[] subjectAlternativeNames) throws Exception {
		KeyPair keys = newKeyPair();
		write(name + ".crt", sign("CN=" + name, keys, subjectAlternativeNames));
		write(name + ".key", new JcaPKCS8Generator(keys.getPrivate(), null));
	}

	public Path certificate(String name) {
		return this.directory.resolve(name + ".crt");
	}

	public Path key(String name) {
		return this.directory.resolve(name + ".key");
	}

	/** Signs a certificate: the CA's own when {@code subjectAlternativeNames} is {@code null}. */
	private X509Certificate sign(String subject, KeyPair keys, GeneralName[] subjectAlternativeNames)
			throws IOException, OperatorCreationException, GeneralSecurityException {
		boolean ca = subjectAlternativeNames == null;
		Instant now = Instant.now();
		X500Name issuer = new X500Name(ca ? subject : this.caCertificate.getSubjectX500Principal().getName());
		X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
				BigInteger.valueOf(serial.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
				Date.from(now.plus(Duration.ofDays(1))), new X500Name(subject), keys.getPublic());
		builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
		if (!ca) {
			builder.addExtension(Extension.subjectAlternativeName, false,
					new GeneralNames(subjectAlternativeNames));
		}
		KeyPair signer = ca ? keys : this.caKeys;
		return new JcaX509CertificateConverter()
			.getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
	}

	private void write(String file, Object object) throws IOException {
		StringWriter text = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
			writer.writeObject(object);
		}
		Files.writeString(this.directory.resolve(file), text.toString());
	}

	private static KeyPair newKeyPair() throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(256);
		return generator.generateKeyPair();
	}

}
