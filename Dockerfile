# Sluice broker image from the release archive (build it first: mvn -B -DskipTests package, or mvn verify).
#   docker build -t sluice .
#   docker run -p 9092:9092 -v sluice-data:/var/lib/sluice sluice
# Clients outside the container connect to localhost:9092 (the advertised address); elsewhere, pass
# your own: docker run ... sluice server /opt/sluice/config/server.properties \
#   listeners=PLAINTEXT://0.0.0.0:9092 advertised.listeners=PLAINTEXT://broker.example.com:9092 log.dirs=/var/lib/sluice/data
FROM eclipse-temurin:21-jre
ARG VERSION=0.1.0-SNAPSHOT
COPY tools/target/sluice-${VERSION}.tar.gz /tmp/sluice.tar.gz
RUN tar -xzf /tmp/sluice.tar.gz -C /opt && mv /opt/sluice-${VERSION} /opt/sluice && rm /tmp/sluice.tar.gz \
    && mkdir -p /var/lib/sluice && ln -s /opt/sluice/bin/sluice /usr/local/bin/sluice
WORKDIR /var/lib/sluice
VOLUME /var/lib/sluice
EXPOSE 9092
ENTRYPOINT ["sluice"]
CMD ["server", "/opt/sluice/config/server.properties", "listeners=PLAINTEXT://0.0.0.0:9092", \
     "advertised.listeners=PLAINTEXT://localhost:9092", "log.dirs=/var/lib/sluice/data"]
