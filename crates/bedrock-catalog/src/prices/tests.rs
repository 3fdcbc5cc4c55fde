use super::builtin::priced_models;
use super::*;
use crate::models::MODELS;

fn usd(dollars: f64) -> Option<PerMillion> {
    Some(PerMillion::from_usd(dollars).expect("a price"))
}

fn price(
    model_id: &str,
    tier: Option<ServiceTier>,
    perf: Option<PerformanceConfig>,
) -> Option<Price> {
    PriceTable::builtin().price(&PriceKey::of(model_id, tier, perf))
}

#[test]
fn every_catalog_model_has_a_default_price() {
    let priced: Vec<&str> = priced_models().collect();
    for model in MODELS {
        assert!(priced.contains(&model.id), "{} has no base price", model.id);
        let p = price(model.id, None, None).expect(model.id);
        assert!(p.input.is_some() && p.output.is_some(), "{}", model.id);
        assert!(p.input.unwrap().micro_usd() > 0, "{}: never 0", model.id);
    }
    for id in priced {
        assert!(
            crate::model(id).is_some(),
            "{id} is priced but not in the catalog"
        );
    }
}

#[test]
fn published_prices_and_derived_ones() {
    let nova = price("us.amazon.nova-pro-v1:0", None, None).unwrap();
    assert_eq!((nova.input, nova.output), (usd(0.8), usd(3.2)));
    assert_eq!(nova.cache_read, usd(0.2));
    let sonnet4 = price("anthropic.claude-sonnet-4-20250514-v1:0", None, None).unwrap();
    assert_eq!(
        sonnet4,
        Price {
            input: usd(3.0),
            output: usd(15.0),
            cache_read: usd(0.3),
            cache_write: usd(3.75),
            cache_write_1h: usd(6.0),
        }
    );
    // Latency-optimized Claude 3.5 Haiku costs more than standard.
    let haiku = "us.anthropic.claude-3-5-haiku-20241022-v1:0";
    let standard = price(haiku, None, None).unwrap();
    let optimized = price(haiku, None, Some(PerformanceConfig::Optimized)).unwrap();
    assert!(optimized.input > standard.input && optimized.output > standard.output);
    assert_eq!(optimized.cache_read, None, "unknown, not 0");
    // Optimized is not priced for a model that does not offer it.
    assert_eq!(
        price(
            "amazon.nova-lite-v1:0",
            None,
            Some(PerformanceConfig::Optimized)
        ),
        None
    );
    // Priority is a premium, flex a discount; reserved is unknown.
    let tier = |t| {
        price("amazon.nova-pro-v1:0", Some(t), None)
            .unwrap()
            .input
            .unwrap()
    };
    assert_eq!(
        tier(ServiceTier::Priority),
        PerMillion::from_micro_usd(1_400_000)
    );
    assert_eq!(tier(ServiceTier::Flex), PerMillion::from_micro_usd(400_000));
    assert_eq!(
        price("amazon.nova-pro-v1:0", Some(ServiceTier::Reserved), None),
        None
    );
    // A tier the model does not offer has no price.
    assert_eq!(
        price("amazon.nova-premier-v1:0", Some(ServiceTier::Flex), None),
        None
    );
}

#[test]
fn regional_profiles_of_the_newest_claude_cost_ten_percent_more() {
    let global = price(
        "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
        None,
        None,
    )
    .unwrap();
    let us = price("us.anthropic.claude-sonnet-4-5-20250929-v1:0", None, None).unwrap();
    let in_region = price("anthropic.claude-sonnet-4-5-20250929-v1:0", None, None).unwrap();
    assert_eq!(global.input, usd(3.0));
    assert_eq!(us.input, usd(3.3));
    assert_eq!(us.output, usd(16.5));
    assert_eq!(us.cache_write, usd(4.125));
    assert_eq!(in_region, us);
    // Older models cost the same through a geography profile.
    assert_eq!(
        price("eu.amazon.nova-pro-v1:0", None, None),
        price("amazon.nova-pro-v1:0", None, None)
    );
}

#[test]
fn unknown_models_have_no_price() {
    assert_eq!(price("example.unknown-v1:0", None, None), None);
}

#[test]
fn usage_costs_exactly_tokens_times_prices() {
    let p = Price {
        input: usd(3.0),
        output: usd(15.0),
        cache_read: usd(0.3),
        cache_write: usd(3.75),
        cache_write_1h: usd(6.0),
    };
    let usage = TokenUsage {
        input: 1000,
        output: 200,
        cache_read: 4000,
        cache_write: 0,
        cache_write_1h: 0,
    };
    // 1000 x 3 + 200 x 15 + 4000 x 0.3 = 3000 + 3000 + 1200 = 7200 micro-dollars.
    assert_eq!(p.cost(&usage), Some(Cost::from_picodollars(7_200_000_000)));
    assert_eq!(p.cost(&usage).unwrap().to_string(), "0.0072");
    // Tokens of a kind with an unknown price make the cost unknown...
    let no_cache = Price {
        cache_read: None,
        ..p
    };
    assert_eq!(no_cache.cost(&usage), None);
    // ...but zero tokens of that kind cost nothing.
    assert!(
        no_cache
            .cost(&TokenUsage {
                cache_read: 0,
                ..usage
            })
            .is_some()
    );
    // Worst case: input at the dearest input price of the cache's TTL.
    assert_eq!(
        p.worst_case(100, 10, None),
        Some(Cost::from_picodollars(450_000_000))
    );
    assert_eq!(
        p.worst_case(100, 10, Some(CacheTtl::FiveMinutes)),
        Some(Cost::from_picodollars(525_000_000))
    );
    assert_eq!(
        p.worst_case(100, 10, Some(CacheTtl::OneHour)),
        Some(Cost::from_picodollars(750_000_000))
    );
    assert_eq!(
        no_cache.worst_case(100, 10, Some(CacheTtl::FiveMinutes)),
        None
    );
}

#[test]
fn one_hour_cache_writes_cost_twice_the_input_price_for_claude() {
    let table = PriceTable::builtin();
    let key = PriceKey::of("us.anthropic.claude-sonnet-4-20250514-v1:0", None, None);
    let price = table.price(&key).expect("priced");
    assert_eq!(price.cache_write, usd(3.75));
    assert_eq!(price.cache_write_1h, usd(6.0));
    // 1,000 tokens written for an hour and 1,000 for five minutes.
    let usage = TokenUsage {
        cache_write: 2000,
        cache_write_1h: 1000,
        ..TokenUsage::default()
    };
    assert_eq!(
        price.cost(&usage),
        Some(Cost::from_picodollars(9_750_000_000)),
        "1000 x 6 + 1000 x 3.75 micro-dollars"
    );
    // Nova caches for five minutes only: an hour's write has no price.
    let nova = table
        .price(&PriceKey::of("us.amazon.nova-pro-v1:0", None, None))
        .expect("priced");
    assert_eq!(nova.cache_write_1h, None);
    assert!(nova.cost(&usage).is_none());
}

#[test]
fn overrides_win_over_the_builtin_table_most_specific_first() {
    let entry = |tier, input: f64| PriceEntry {
        model: "amazon.nova-pro-v1:0".into(),
        region_group: None,
        tier,
        performance: None,
        price: Price {
            input: usd(input),
            output: usd(1.0),
            cache_read: None,
            cache_write: None,
            cache_write_1h: None,
        },
        source: "prices.jsonl:1".into(),
    };
    let table =
        PriceTable::with_overrides(vec![entry(None, 1.0), entry(Some(ServiceTier::Flex), 0.5)]);
    let input = |tier| {
        table
            .price(&PriceKey::of("us.amazon.nova-pro-v1:0", tier, None))
            .unwrap()
            .input
    };
    assert_eq!(input(None), usd(1.0));
    assert_eq!(input(Some(ServiceTier::Priority)), usd(1.0));
    assert_eq!(input(Some(ServiceTier::Flex)), usd(0.5));
    // Other models keep the built-in prices.
    assert_eq!(
        table.price(&PriceKey::of("amazon.nova-lite-v1:0", None, None)),
        price("amazon.nova-lite-v1:0", None, None)
    );
}

#[test]
fn region_groups_of_ids() {
    assert_eq!(
        RegionGroup::of("amazon.nova-pro-v1:0"),
        RegionGroup::InRegion
    );
    assert_eq!(RegionGroup::of("us.amazon.nova-pro-v1:0").as_str(), "us");
    assert!(
        RegionGroup::of("arn:aws:bedrock:us-east-1:1:inference-profile/global.x.y").is_global()
    );
    for group in RegionGroup::all() {
        assert_eq!(group.as_str().parse::<RegionGroup>(), Ok(group));
    }
    assert!("mars".parse::<RegionGroup>().is_err());
}
